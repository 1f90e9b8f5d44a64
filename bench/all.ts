/**
 * Every benchmark in turn (not part of `npm test`): `npm run bench`, or
 * `npm run bench -- --short` (SDEP_BENCH_SHORT=1) for a quick pass. Each
 * one runs alone too: `npx tsx bench/<name>.ts [--short]`. Needs `npm run
 * build` first (the benchmarks run the compiled CLI); installs wrk, nginx
 * and haproxy with apt-get when missing and root (SDEP_BENCH_NO_INSTALL=1 to
 * skip). Only: `npm run bench -- --only=gateway,e2e`.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ALL = ['gateway', 'e2e', 'unit', 'scaling', 'memory', 'instructions'];
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const passThrough = process.argv.slice(2).filter((a) => !a.startsWith('--only='));
const short = passThrough.includes('--short') || process.env.SDEP_BENCH_SHORT === '1';
let failed = 0;
for (const name of only ?? ALL) {
  console.log(`\n# ===== bench/${name}.ts ${passThrough.join(' ')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(HERE, `${name}.ts`), ...passThrough], {
    stdio: 'inherit',
    // Each benchmark bounds itself; this is a backstop.
    timeout: (short ? 15 : 45) * 60 * 1000,
  });
  if (r.status !== 0) {
    failed++;
    console.log(`# bench/${name}.ts failed (${r.status ?? r.signal})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
