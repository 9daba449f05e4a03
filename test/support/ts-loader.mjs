/**
 * Node module hooks that run the project's TypeScript sources directly (ESM, like the build):
 * a relative `./x.js` import resolves to `./x.ts` when only the .ts exists, and .ts files are
 * transpiled with TypeScript's transpileModule (no type check, decorators and their metadata
 * as in tsconfig.json). Used through ts-register.mjs for work that must run outside jest's
 * module registry, e.g. the e2e global setup:  node --import ./test/support/ts-register.mjs x.ts
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const compilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2023,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  useDefineForClassFields: false,
  esModuleInterop: true,
  inlineSourceMap: true,
  inlineSources: true,
};

const isProjectFile = (url) => url.startsWith('file:') && !url.includes('/node_modules/');

export async function resolve(specifier, context, nextResolve) {
  if (
    specifier.endsWith('.js') &&
    /^(\.{1,2}\/|\/|file:)/.test(specifier) &&
    context.parentURL &&
    isProjectFile(context.parentURL)
  ) {
    const url = new URL(specifier, context.parentURL);
    if (!existsSync(url)) {
      const tsUrl = new URL(url.href.replace(/\.js$/, '.ts'));
      if (existsSync(tsUrl)) return { url: tsUrl.href, format: 'module', shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (url.endsWith('.ts') && isProjectFile(url)) {
    const fileName = fileURLToPath(url);
    const { outputText } = ts.transpileModule(await readFile(fileName, 'utf8'), {
      fileName,
      compilerOptions,
    });
    return { format: 'module', source: outputText, shortCircuit: true };
  }
  return nextLoad(url, context);
}
