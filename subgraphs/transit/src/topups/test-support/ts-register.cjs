/**
 * Lets a child process of a test run the TypeScript sources, as jest does for the test itself
 * (`node -r ./ts-register.cjs child.ts`): .ts files are transpiled on load and @huimin/<pkg>
 * resolves to <pkg>/src/index.ts through jest.config.js's own map. So the crash test never runs
 * a stale dist/, and needs no build first. Transpiled files are cached in the temp folder by
 * content hash: the crash test starts a dozen children.
 */
'use strict';
const Module = require('node:module');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
// Loaded only on a cache miss: it is the slowest part of a warm start.
let ts = null;
const typescriptVersion = require('typescript/package.json').version;

const root = path.resolve(__dirname, '..', '..', '..', '..', '..');
const { moduleNameMapper } = require(path.join(root, 'jest.config.js'));
const aliases = Object.entries(moduleNameMapper).map(([pattern, target]) => [new RegExp(pattern), target.replace('<rootDir>', root)]);

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveWithAliases(request, ...rest) {
  for (const [pattern, target] of aliases) if (pattern.test(request)) return target;
  return resolveFilename.call(this, request, ...rest);
};

const cacheDir = path.join(os.tmpdir(), 'huimin-ts-register');
fs.mkdirSync(cacheDir, { recursive: true });

function transpiled(filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const cached = path.join(cacheDir, `${crypto.createHash('sha1').update(`${typescriptVersion}\n${filename}\n${source}`).digest('hex')}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    ts ??= require('typescript');
    const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true };
    const { outputText } = ts.transpileModule(source, { fileName: filename, compilerOptions });
    // Written aside then renamed: children starting together never read half a file.
    const aside = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(aside, outputText);
    fs.renameSync(aside, cached);
    return outputText;
  }
}

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  module._compile(transpiled(filename), filename);
};
