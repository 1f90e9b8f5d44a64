#!/usr/bin/env node
// Runs the compiled CLI (built by `npm run build`, which `npm install` runs via `prepare`).
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    console.error('sdep: not built yet; run `npm run build` (or `npm install`) first');
    process.exit(2);
  }
  throw err;
});
