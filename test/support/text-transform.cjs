'use strict';

/**
 * jest's counterpart of esbuild-plugins.cjs `text-assets`: a file imported as `<path>?text` (jest.config.js
 * maps the import to the file, and its `transform` hands it here) exports the file's content.
 */
module.exports = {
  process(sourceText) {
    return { code: `module.exports = ${JSON.stringify(sourceText)};` };
  },
};
