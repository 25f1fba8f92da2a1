/**
 * Jest's resolver, plus TypeScript's rule for our own sources: a relative `./x.js` names `./x.ts`. The
 * Swagger plugin's generated src/metadata.ts imports the DTOs so (`import('./users/dto/users.dto.js')`),
 * as Node resolves them in the build; here there is no build, only the .ts files.
 */
const { existsSync } = require('node:fs');
const { resolve } = require('node:path');

module.exports = (request, options) => {
  if (/^\.\.?\//.test(request) && request.endsWith('.js') && !options.basedir.split(/[\\/]/).includes('node_modules')) {
    const source = resolve(options.basedir, `${request.slice(0, -3)}.ts`);
    if (existsSync(source)) return source;
  }
  return options.defaultResolver(request, options);
};
