import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRouteTable } from '../../routing/index.js';
import { routeSummary } from './route-summary.js';

test('routeSummary names each route with its match, shares, rewrite and shadow', () => {
  const t = buildRouteTable(
    [
      { name: 'main', prefix: '/seldon/ns/m/', service: 'main:8000' },
      { name: 'canary', prefix: '/seldon/ns/m/', service: 'canary:8000', weight: 25, rewrite: '' },
      { name: 'sh', prefix: '/seldon/ns/m/', service: 'sh:8000', shadow: true, weight: 5 },
      {
        name: 'h',
        prefix: '/seldon/ns/m/',
        service: 'h:8000',
        headers: { location: 'london' },
        method: 'POST',
      },
    ],
    { ambassadorId: 'default' },
  );
  assert.deepEqual(routeSummary(t), [
    'ambassador_id default: 2 route(s), 4 cluster(s)',
    '  POST /seldon/ns/m/ [location=london] → 100% h:8000 rewrite /',
    '  /seldon/ns/m/ → 25% canary:8000, 75% main:8000 rewrite /, shadow 5% sh:8000',
  ]);
});
