import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

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
  plugins: [react()],
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
