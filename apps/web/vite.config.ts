import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The browser client. Built into dist/web, which the API serves at `/`. No React plugin: Vite's
 * own transform handles TSX with the automatic runtime (the plugin's Babel peer range clashes
 * with jest's Babel 7 here, and fast refresh is not needed to build).
 */
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    reportCompressedSize: false,
  },
  // ws: the live-updates socket (graphql-ws) shares /graphql.
  server: {
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:3000', ws: true },
      '/uploads': 'http://127.0.0.1:3000',
    },
  },
});
