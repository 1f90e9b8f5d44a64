import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { collectCodes, DOC_PATH, ROOT, renderErrorsDoc } from '../../scripts/errors-doc.js';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('codes.ts')) out.push(p);
  }
  return out;
}

test('docs/errors.md matches the codes declared in src/*/codes.ts', async () => {
  const expected = renderErrorsDoc(await collectCodes());
  const actual = readFileSync(DOC_PATH, 'utf8');
  assert.equal(actual, expected, 'docs/errors.md is stale: run `npx tsx scripts/errors-doc.ts --write`');
});

test('every SDEP_* code used in the source is declared in a codes.ts', async () => {
  const declared = new Set((await collectCodes()).map((e) => e.code));
  const missing: string[] = [];
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/['"`](SDEP_[A-Z0-9_]+)['"`]/g)) {
      if (!declared.has(m[1]!)) missing.push(`${file.slice(ROOT.length + 1)}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, [], 'codes used but not declared');
});
