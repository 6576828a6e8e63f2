'use strict';

/**
 * Loads a TypeScript module (and what it imports) into a CommonJS Serverless plugin: bundled in
 * memory by esbuild and compiled as a module here, so the plugins run the same code as the
 * functions instead of a copy of it.
 */
const path = require('node:path');

function loadTypeScript(entry) {
  const esbuild = require('esbuild');
  const Module = require('node:module');
  const [output] = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'error',
  }).outputFiles;
  const loaded = new Module(entry, module);
  loaded.filename = entry;
  loaded.paths = Module._nodeModulePaths(path.dirname(entry));
  loaded._compile(output.text, entry);
  return loaded.exports;
}

module.exports = { loadTypeScript };
