// tsc copies only TypeScript output: copy the runtime assets (.proto files) beside it.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const exts = ['.proto'];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (exts.some((e) => p.endsWith(e))) cpSync(p, p.replace(/^src/, 'dist'));
  }
}
walk('src');
