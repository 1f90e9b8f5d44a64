/**
 * Golden cases: test/golden/routing/cases/<name>.json (Mapping IR + the
 * ambassador ids to build for) → expected/<name>.json (the RouteTable and
 * its diagnostics as JSON). Each case is built twice and compared byte for
 * byte (determinism), then against the stored file.
 * Regenerate after an intended change: UPDATE_GOLDEN=1 node --import tsx --test test/golden/routing-golden.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Mapping } from '../../src/ambassador/mapping.js';
import { buildRouteTable, type RouteTable } from '../../src/routing/index.js';

const dir = new URL('./routing/', import.meta.url);
const update = process.env.UPDATE_GOLDEN === '1';

interface Case {
  ambassadorIds: string[];
  mappings: Mapping[];
}

function serialize(table: RouteTable): unknown {
  return {
    ambassadorId: table.ambassadorId,
    routes: table.routes,
    clusters: Object.fromEntries(table.clusters),
    diagnostics: table.diagnostics,
  };
}

function render(c: Case): string {
  const out: Record<string, unknown> = {};
  for (const id of c.ambassadorIds) out[id] = serialize(buildRouteTable(c.mappings, { ambassadorId: id }));
  // RegExps print as their source so the file shows what is matched.
  return `${JSON.stringify(out, (_k, v: unknown) => (v instanceof RegExp ? `/${v.source}/${v.flags}` : v), 2)}\n`;
}

const names = readdirSync(new URL('./cases/', dir))
  .filter((f) => f.endsWith('.json'))
  .sort();

test('there are golden routing cases', () => {
  assert.ok(names.length >= 4);
});

for (const file of names) {
  test(`golden routing: ${file}`, () => {
    const c = JSON.parse(readFileSync(new URL(`./cases/${file}`, dir), 'utf8')) as Case;
    const first = render(c);
    assert.equal(render(c), first, 'two builds of the same input must be byte-identical');
    const expectedUrl = new URL(`./expected/${file}`, dir);
    if (update || !existsSync(expectedUrl)) {
      writeFileSync(expectedUrl, first);
      if (!update) assert.fail(`wrote missing golden file expected/${file}; review and commit it`);
      return;
    }
    assert.equal(first, readFileSync(expectedUrl, 'utf8'));
  });
}
