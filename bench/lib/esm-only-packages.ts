import { registerHooks } from 'node:module';

/**
 * @middy/* ship ES modules whose package exports offer only an `import` condition, so the bench's
 * `require` (tsx runs it as CommonJS) of the composition root (shared/container/http.ts, for the
 * checkout's builders) cannot resolve them. Node 24 can `require` an ES module: resolve these with
 * the `import` condition too, as jest's moduleNameMapper points at their files. Imported first by run.ts.
 */
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (!specifier.startsWith('@middy/')) return nextResolve(specifier, context);
    return nextResolve(specifier, { ...context, conditions: [...context.conditions, 'import'] });
  },
});
