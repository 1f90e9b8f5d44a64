// The dashboard: Preact + uPlot, built to web/dist (served by the admin port; no CDN at run time).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 300,
  },
  // `vite dev`: proxy the JSON API to a running `sdep serve` on the default admin port
  server: {
    proxy: {
      '/sdep': 'http://127.0.0.1:8877',
      '/ambassador': 'http://127.0.0.1:8877',
      '/metrics': 'http://127.0.0.1:8877',
    },
  },
});
