/**
 * The soak's short form for CI (bench/soak.ts has the long one): 20 s at
 * 40 req/s through `sdep serve` to the two-predictor canary. Every request
 * must succeed; the figures (p99, RSS start/end/trend) are printed, not
 * asserted: on a shared 2-core runner they measure the runner as much as sdep.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSoak, runSoak } from '../../bench/soak.js';

test('soak (20 s, 40 req/s, canary 75/25): zero failures', async (t) => {
  // from source, so the test runs the code under test, not a possibly stale dist/
  const r = await runSoak({ seconds: 20, rate: 40, fromSource: true, sampleEveryMs: 2000, log: () => {} });
  for (const line of formatSoak(r).split('\n')) t.diagnostic(line);
  assert.equal(r.failures, 0, JSON.stringify(r.failureKinds));
  assert.equal(r.scheduled, 800);
  assert.equal(r.requests + r.late, r.scheduled, 'every scheduled request was answered or counted late');
  assert.ok(r.requests >= 400, `only ${r.requests} requests went out`);
  // both predictors served
  assert.ok(r.canaryShare > 0.05 && r.canaryShare < 0.6, `canary share ${r.canaryShare}`);
  assert.equal(r.rss.length, 3, 'RSS sampled for the gateway and both units');
});
