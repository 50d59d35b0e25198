import react from '@vitejs/plugin-react';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes .br and .gz beside every text file of the build, so the server sends them compressed
 * without compressing on each request (@fastify/static's preCompressed).
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'corkboard-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const visit = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          const file = path.join(dir, entry.name);
          if (entry.isDirectory()) visit(file);
          else if (/\.(js|css|html|svg|json)$/.test(entry.name)) {
            const data = fs.readFileSync(file);
            fs.writeFileSync(`${file}.gz`, zlib.gzipSync(data, { level: 9 }));
            fs.writeFileSync(
              `${file}.br`,
              zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }),
            );
          }
        }
      };
      visit(outDir);
    },
  };
}

/**
 * main.tsx starts the app with `import('./root')` once the home page's first row is painted.
 * index.html announces that chunk and the chunks it imports as module preloads, so the browser
 * fetches and compiles them meanwhile, instead of only when the import runs.
 */
function preloadAppStart(): Plugin {
  let base = '/';
  return {
    name: 'corkboard-preload-app-start',
    apply: 'build',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle, chunk }) {
        if (!bundle || !chunk) return;
        // The entry itself is loaded by its own script tag.
        const files = new Set<string>([chunk.fileName]);
        const visit = (fileName: string) => {
          const imported = bundle[fileName];
          if (imported?.type !== 'chunk' || files.has(fileName)) return;
          files.add(fileName);
          imported.imports.forEach(visit);
        };
        chunk.dynamicImports.forEach(visit);
        files.delete(chunk.fileName);
        return [...files].map((file) => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `${base}${file}` },
          injectTo: 'head' as const,
        }));
      },
    },
  };
}

/** The server's URL space: the dev server (5173) forwards it to a running `npm start` on 8080. */
const SERVER_PATHS = [
  '/v5',
  '/api',
  '/oauth',
  '/media',
  '/r/',
  '/_corkboard',
  '/docs',
  '/postman',
  '/health',
  '/ready',
];
const target = process.env.CORKBOARD_DEV_TARGET ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react(), preloadAppStart(), precompress()],
  server: {
    port: 5173,
    proxy: Object.fromEntries(SERVER_PATHS.map((prefix) => [prefix, { target, changeOrigin: false }])),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The home page's budget is 250 KB of gzipped JS; routes are split, so any chunk past this is a mistake.
    chunkSizeWarningLimit: 300,
  },
});
