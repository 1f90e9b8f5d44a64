import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSdepError } from '../core/sdep-error.js';
import { createBuiltinComponent } from './builtin-components.js';
import { EpsilonGreedy } from './epsilon-greedy.js';
import { invokeRoute, invokeSendFeedback } from './invoke-component.js';
import { RandomABTest } from './random-abtest.js';
import { seededRandom } from './random-source.js';

function countRoutes(route: () => number, n: number, branches: number): number[] {
  const counts = new Array<number>(branches).fill(0);
  for (let i = 0; i < n; i++) counts[route()]! += 1;
  return counts;
}

test('RANDOM_ABTEST: ratioA of the traffic to child 0 with a seeded source', () => {
  const ab = new RandomABTest({ ratioA: 0.3 }, { random: seededRandom(7) });
  const [a, b] = countRoutes(() => ab.route(), 10_000, 2);
  assert.ok(Math.abs(a! / 10_000 - 0.3) < 0.03, `child 0 got ${a}`);
  assert.equal(a! + b!, 10_000);
});

test('RANDOM_ABTEST: the random source decides, ratioA defaults to 0.5', () => {
  let next = 0.49;
  const ab = new RandomABTest({}, { random: () => next });
  assert.equal(ab.route(), 0);
  next = 0.5;
  assert.equal(ab.route(), 1);
  assert.throws(
    () => new RandomABTest({ ratioA: 2 }),
    (e) => isSdepError(e) && /ratioA/.test(e.message),
  );
});

test('RANDOM_ABTEST: the same seed gives the same routes', () => {
  const a = new RandomABTest({ seed: 3 });
  const b = createBuiltinComponent('RANDOM_ABTEST', { seed: 3 })!;
  for (let i = 0; i < 50; i++) assert.equal(a.route(), b.route!([], []));
});

test('EPSILON_GREEDY: after rewards for branch 1 it routes to 1 most of the time', () => {
  const eg = new EpsilonGreedy({ n_branches: 3, epsilon: 0.1, seed: 1 });
  for (let i = 0; i < 20; i++) eg.sendFeedback([[1, 2]], [], 1, undefined, 1);
  for (let i = 0; i < 20; i++) eg.sendFeedback([[1, 2]], [], 0, undefined, 0);
  const counts = countRoutes(() => eg.route(), 1000, 3);
  assert.ok(counts[1]! > 900, `branch 1 got ${counts[1]} of 1000`);
  assert.ok(counts[0]! > 0 && counts[2]! > 0, 'still explores');
});

test('EPSILON_GREEDY learns from its own routing when only branch 1 pays', () => {
  const eg = new EpsilonGreedy({ n_branches: 3, epsilon: 0.2, seed: 42 });
  for (let i = 0; i < 300; i++) {
    const r = eg.route();
    eg.sendFeedback([[0]], [], r === 1 ? 1 : 0, undefined, r);
  }
  assert.deepEqual(
    eg.values().map((v) => Math.round(v)),
    [0, 1, 0],
  );
  const counts = countRoutes(() => eg.route(), 1000, 3);
  assert.ok(counts[1]! > 800, `branch 1 got ${counts[1]} of 1000`);
});

test('EPSILON_GREEDY through the wrapper: feedback routing comes from response.meta.routing[unit]', async () => {
  const eg = createBuiltinComponent('EPSILON_GREEDY', { n_branches: 2, epsilon: 0, seed: 5 })!;
  const ctx = { unit: { id: 'eg', image: 'EPSILON_GREEDY' } };
  const req = { data: { ndarray: [[1]] } };
  assert.deepEqual((await invokeRoute(eg, req, ctx)).data, { names: ['t:0'], ndarray: [[0]] });
  for (let i = 0; i < 3; i++) {
    await invokeSendFeedback(
      eg,
      { request: req, response: { meta: { routing: { eg: 1 } } }, reward: 1 },
      ctx,
    );
  }
  const routed = await invokeRoute(eg, req, ctx);
  assert.deepEqual(routed.data, { names: ['t:0'], ndarray: [[1]] });
});

test('EPSILON_GREEDY without exploration starts on best_branch (default 0)', () => {
  assert.equal(new EpsilonGreedy({ n_branches: 3, epsilon: 0 }).route(), 0);
  assert.equal(new EpsilonGreedy({ n_branches: 3, epsilon: 0, best_branch: 2 }).route(), 2);
});

test('EPSILON_GREEDY parameters are checked', () => {
  assert.throws(
    () => new EpsilonGreedy({}),
    (e) => isSdepError(e) && /n_branches/.test(e.message),
  );
  assert.throws(
    () => new EpsilonGreedy({ n_branches: 2, epsilon: 1.5 }),
    (e) => isSdepError(e) && /epsilon/.test(e.message),
  );
  const eg = new EpsilonGreedy({ n_branches: '2' });
  assert.throws(
    () => eg.sendFeedback([], [], 1, undefined, 5),
    (e) => isSdepError(e) && e.status === 400,
  );
});
