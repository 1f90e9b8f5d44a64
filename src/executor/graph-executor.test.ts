import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphNode, NodeType } from '../api/deployment-spec.js';
import { isSdepError } from '../core/sdep-error.js';
import type { SeldonMessage } from '../protocol/seldon-message.js';
import type { Component } from '../runtime/component.js';
import type { CallOptions, ComponentClient } from './component-client.js';
import { createGraphExecutor } from './graph-executor.js';

function node(name: string, type: NodeType, children: GraphNode[] = [], implementation?: string): GraphNode {
  return {
    name,
    type,
    endpoint: { type: 'REST' },
    parameters: [],
    children,
    ...(implementation ? { implementation } : {}),
  };
}

const rows = (m: SeldonMessage) => m.data?.ndarray as number[][];

/** transformer (x+1) → router → [model a (x*10), model b (x*100)] → combiner (sum). */
function abGraph(routerChoice: () => number) {
  const calls: string[] = [];
  const components: Record<string, Component> = {
    plus1: { transformInput: (X) => (X as number[][]).map((r) => r.map((v) => v + 1)) },
    router: {
      route: () => {
        calls.push('route');
        return routerChoice();
      },
    },
    a: { predict: (X) => (X as number[][]).map((r) => r.map((v) => v * 10)), tags: () => ({ model: 'a' }) },
    b: { predict: (X) => (X as number[][]).map((r) => r.map((v) => v * 100)), tags: () => ({ model: 'b' }) },
    sum: {
      aggregate: (Xs) => {
        const arrs = Xs as number[][][];
        return arrs[0]!.map((row, i) => row.map((_, j) => arrs.reduce((s, x) => s + x[i]![j]!, 0)));
      },
    },
  };
  const graph = node('plus1', 'TRANSFORMER', [
    node('sum', 'COMBINER', [node('router', 'ROUTER', [node('a', 'MODEL'), node('b', 'MODEL')])]),
  ]);
  const exec = createGraphExecutor(graph, (n) => components[n.name]!, { newPuid: () => 'fixed-puid' });
  return { exec, calls };
}

test('transformer → combiner → router → model: values, routing and requestPath', async () => {
  const { exec } = abGraph(() => 1);
  const out = await exec.predict({ data: { names: ['x'], ndarray: [[1], [2]] } });
  assert.deepEqual(rows(out), [[200], [300]]);
  assert.deepEqual(out.meta?.routing, { router: 1 });
  assert.deepEqual(Object.keys(out.meta?.requestPath ?? {}).sort(), ['b', 'plus1', 'router', 'sum']);
  assert.equal(out.meta?.puid, 'fixed-puid');
  assert.deepEqual(out.meta?.tags, { model: 'b' });
});

test('router -1 runs every child; without a combiner the first child output is the answer', async () => {
  const { exec } = abGraph(() => -1);
  const out = await exec.predict({ data: { ndarray: [[1]] } });
  assert.deepEqual(rows(out), [[20]]);
  assert.deepEqual(out.meta?.routing, { router: -1 });
  assert.ok(out.meta?.requestPath?.a && out.meta.requestPath.b);
  assert.deepEqual(out.meta?.tags?.model !== undefined, true);
});

test('a combiner aggregates all its children outputs', async () => {
  const comps: Record<string, Component> = {
    a: { predict: (X) => (X as number[][]).map((r) => r.map((v) => v * 10)) },
    b: { predict: (X) => (X as number[][]).map((r) => r.map((v) => v * 100)) },
    sum: { aggregateRaw: (msgs) => ({ jsonData: msgs.map((m) => (m.data!.ndarray as number[][])[0]![0]) }) },
  };
  const graph = node('sum', 'COMBINER', [node('a', 'MODEL'), node('b', 'MODEL')]);
  const out = await createGraphExecutor(graph, (n) => comps[n.name]!).predict({ data: { ndarray: [[2]] } });
  assert.deepEqual(out.jsonData, [20, 200], 'children outputs in child order');
});

test('router -2 returns its input as the response', async () => {
  const { exec } = abGraph(() => -2);
  const out = await exec.predict({ data: { ndarray: [[1]] } });
  assert.deepEqual(rows(out), [[2]]);
  assert.equal(out.meta?.requestPath?.a, undefined);
});

test('a router index out of range is a 500 naming the router', async () => {
  const { exec } = abGraph(() => 5);
  await assert.rejects(exec.predict({ data: { ndarray: [[1]] } }), (e: unknown) => {
    assert.ok(isSdepError(e));
    assert.equal(e.code, 'SDEP_GRAPH_ROUTE_OUT_OF_RANGE');
    assert.equal(e.status, 500);
    assert.match(e.message, /router 'router' chose child 5/);
    return true;
  });
});

test('several children without a combiner: the first child output is used', async () => {
  const graph = node('m', 'MODEL', [node('c1', 'MODEL'), node('c2', 'MODEL')]);
  const comps: Record<string, Component> = {
    m: { predictRaw: (msg) => msg },
    c1: { predictRaw: () => ({ jsonData: 'one' }) },
    c2: { predictRaw: () => ({ jsonData: 'two' }) },
  };
  const out = await createGraphExecutor(graph, (n) => comps[n.name]!).predict({ jsonData: 0 });
  assert.equal(out.jsonData, 'one');
  assert.deepEqual(Object.keys(out.meta?.requestPath ?? {}).sort(), ['c1', 'c2', 'm']);
});

test('output transformer runs on the way back; tensor in gives tensor out', async () => {
  const graph = node('post', 'OUTPUT_TRANSFORMER', [node('model', 'MODEL')]);
  const comps: Record<string, Component> = {
    post: { transformOutput: (X) => (X as number[][]).map((r) => r.map((v) => -v)) },
    model: { predict: (X) => (X as number[][]).map((r) => [r[0]! + r[1]!]), classNames: ['s'] },
  };
  const out = await createGraphExecutor(graph, (n) => comps[n.name]!).predict({
    data: { names: ['a', 'b'], tensor: { shape: [2, 2], values: [1, 2, 3, 4] } },
  });
  assert.deepEqual(out.data?.tensor, { shape: [2, 1], values: [-3, -7] });
  assert.deepEqual(out.data?.names, ['t:0'], 'an output transformer without class names names columns t:i');
});

test('puid: header wins, then meta.puid, else a generated UUID v4', async () => {
  const comps: Record<string, Component> = { m: { predictRaw: (msg) => ({ jsonData: msg.meta?.puid }) } };
  const exec = createGraphExecutor(node('m', 'MODEL'), (n) => comps[n.name]!);
  const fromHeader = await exec.predict(
    { meta: { puid: 'from-meta' }, jsonData: 1 },
    { puid: 'from-header' },
  );
  assert.equal(fromHeader.meta?.puid, 'from-header');
  assert.equal(fromHeader.jsonData, 'from-header', 'the puid is sent downstream');
  const fromMeta = await exec.predict({ meta: { puid: 'from-meta' }, jsonData: 1 });
  assert.equal(fromMeta.meta?.puid, 'from-meta');
  const generated = await exec.predict({ jsonData: 1 });
  assert.match(
    generated.meta?.puid ?? '',
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
});

test('tags merge over the path: request tags, then each component (later wins)', async () => {
  const graph = node('t', 'TRANSFORMER', [node('m', 'MODEL')]);
  const comps: Record<string, Component> = {
    t: { transformInputRaw: (msg) => ({ ...msg, meta: { tags: { stage: 't', fromT: true } } }) },
    m: { predictRaw: (msg) => ({ jsonData: msg.meta?.tags, meta: { tags: { stage: 'm' } } }) },
  };
  const out = await createGraphExecutor(graph, (n) => comps[n.name]!).predict({
    meta: { tags: { req: 1, stage: 'req' } },
    jsonData: null,
  });
  assert.deepEqual(out.meta?.tags, { req: 1, stage: 'm', fromT: true });
  assert.deepEqual(out.jsonData, { req: 1, stage: 't', fromT: true }, 'tags so far reach the next node');
});

test('component metrics reach onMetrics with the node name, and the response meta', async () => {
  const seen: unknown[] = [];
  const comps: Record<string, Component> = {
    m: { predict: () => ({ ok: 1 }), metrics: () => [{ key: 'hits', type: 'COUNTER', value: 2 }] },
  };
  const exec = createGraphExecutor(node('m', 'MODEL'), (n) => comps[n.name]!, {
    onMetrics: (ms) => seen.push(...ms),
  });
  const out = await exec.predict({ jsonData: 0 });
  assert.deepEqual(seen, [{ key: 'hits', type: 'COUNTER', value: 2, node: 'm' }]);
  assert.deepEqual(out.meta?.metrics, [{ key: 'hits', type: 'COUNTER', value: 2 }]);
});

test('feedback is replayed along meta.routing and a learning router changes its choice', async () => {
  // An epsilon-free bandit: routes to the arm with the best mean reward, arm 0 first.
  const rewards = [
    { sum: 0, n: 0 },
    { sum: 0, n: 0 },
  ];
  const modelFeedback: string[] = [];
  const mean = (i: number) => (rewards[i]!.n === 0 ? 0.5 : rewards[i]!.sum / rewards[i]!.n);
  const comps: Record<string, Component> = {
    bandit: {
      route: () => (mean(1) > mean(0) ? 1 : 0),
      sendFeedback: (_X, _names, reward, _truth, routing) => {
        rewards[routing!]!.sum += reward;
        rewards[routing!]!.n += 1;
        return undefined;
      },
    },
    a: { predictRaw: () => ({ jsonData: 'a' }), sendFeedback: () => void modelFeedback.push('a') },
    b: { predictRaw: () => ({ jsonData: 'b' }), sendFeedback: () => void modelFeedback.push('b') },
  };
  const graph = node('bandit', 'ROUTER', [node('a', 'MODEL'), node('b', 'MODEL')]);
  const exec = createGraphExecutor(graph, (n) => comps[n.name]!);
  const request = { jsonData: 'x' };
  const first = await exec.predict(request);
  assert.equal(first.jsonData, 'a');
  assert.deepEqual(first.meta?.routing, { bandit: 0 });
  const fbReply = await exec.feedback({ request, response: first, reward: 0 });
  assert.equal(fbReply.meta?.puid, first.meta?.puid);
  assert.deepEqual(modelFeedback, ['a'], 'only the routed model gets the feedback');
  const second = await exec.predict(request);
  assert.equal(second.jsonData, 'b', 'the router learnt from the zero reward');
  assert.deepEqual(second.meta?.routing, { bandit: 1 });
});

test('a component that throws gives a 500 naming the node; a slow one a 504', async () => {
  const comps: Record<string, Component> = {
    boom: {
      predict: () => {
        throw new Error('kaput');
      },
    },
    slow: { predict: () => new Promise((r) => setTimeout(() => r([[1]]), 2000).unref()) },
  };
  const boom = createGraphExecutor(node('boom', 'MODEL'), (n) => comps[n.name]!);
  await assert.rejects(boom.predict({ data: { ndarray: [[1]] } }), (e: unknown) => {
    assert.ok(isSdepError(e));
    assert.equal(e.status, 500);
    assert.equal(e.code, 'SDEP_COMPONENT_ERROR');
    assert.match(e.message, /component 'boom' failed in predict: kaput/);
    return true;
  });
  const slow = createGraphExecutor(node('slow', 'MODEL'), (n) => comps[n.name]!, { timeoutMs: 50 });
  await assert.rejects(slow.predict({ data: { ndarray: [[1]] } }), (e: unknown) => {
    assert.ok(isSdepError(e));
    assert.equal(e.status, 504);
    assert.match(e.message, /'slow' did not answer predict within 50 ms/);
    return true;
  });
});

test('a MODEL node whose component has no predict is a clear 500', async () => {
  const exec = createGraphExecutor(node('m', 'MODEL'), () => ({}));
  await assert.rejects(exec.predict({ jsonData: 1 }), /component 'm' has no predict method/);
});

test('requestPath shows the implementation for built-ins', async () => {
  const exec = createGraphExecutor(node('m', 'MODEL', [], 'SKLEARN_SERVER'), () => ({
    predictRaw: () => ({ jsonData: 1 }),
  }));
  const out = await exec.predict({ jsonData: 1 });
  assert.deepEqual(out.meta?.requestPath, { m: 'SKLEARN_SERVER' });
});

test('metadata lists every node and the graph inputs/outputs', async () => {
  const graph = node('t', 'TRANSFORMER', [node('m', 'MODEL')]);
  const comps: Record<string, Component> = {
    t: { initMetadata: () => ({ inputs: [{ name: 'in' }] }) },
    m: { initMetadata: () => ({ outputs: [{ name: 'out' }] }) },
  };
  const md = await createGraphExecutor(graph, (n) => comps[n.name]!, { name: 'dep' }).metadata();
  assert.equal(md.name, 'dep');
  assert.deepEqual(Object.keys(md.models).sort(), ['m', 't']);
  assert.deepEqual(md.graphinputs, [{ name: 'in' }]);
  assert.deepEqual(md.graphoutputs, [{ name: 'out' }]);
});

/** A remote-style client whose call waits until its signal aborts, and reports the reason. */
function abortWatcher(seen: { reason?: unknown; abortedAtStart?: boolean }): ComponentClient {
  const wait = (o: CallOptions) =>
    new Promise<SeldonMessage>((_, reject) => {
      seen.abortedAtStart = o.signal.aborted;
      if (o.signal.aborted) {
        seen.reason = o.signal.reason;
        reject(o.signal.reason);
        return;
      }
      o.signal.addEventListener('abort', () => {
        seen.reason = o.signal.reason;
        reject(o.signal.reason);
      });
    });
  return {
    kind: 'rest',
    call: (_m, _msg, o) => wait(o),
    aggregate: (_msgs, o) => wait(o),
    sendFeedback: (_fb, _r, o) => wait(o),
  };
}

test("a component call's signal follows the request's: aborted mid-call, or already at the start", async () => {
  const seen: { reason?: unknown; abortedAtStart?: boolean } = {};
  const exec = createGraphExecutor(node('remote', 'MODEL'), () => abortWatcher(seen));
  const ac = new AbortController();
  const running = exec.predict({ jsonData: 1 }, { signal: ac.signal });
  await new Promise((r) => setImmediate(r));
  const gone = new Error('client went away');
  ac.abort(gone);
  await assert.rejects(running);
  assert.equal(seen.abortedAtStart, false);
  assert.equal(seen.reason, gone);

  const late: { reason?: unknown; abortedAtStart?: boolean } = {};
  const exec2 = createGraphExecutor(node('remote', 'MODEL'), () => abortWatcher(late));
  await assert.rejects(exec2.predict({ jsonData: 1 }, { signal: AbortSignal.abort(gone) }));
  assert.equal(
    late.abortedAtStart,
    true,
    'a request cancelled before the call is cancelled for the call too',
  );
  assert.equal(late.reason, gone);
});

test("the per-call timeout aborts the call's signal with the 504", async () => {
  const seen: { reason?: unknown } = {};
  const exec = createGraphExecutor(node('remote', 'MODEL'), () => abortWatcher(seen), { timeoutMs: 30 });
  await assert.rejects(exec.predict({ jsonData: 1 }), /did not answer predict within 30 ms/);
  assert.ok(isSdepError(seen.reason));
  assert.equal((seen.reason as { status: number }).status, 504);
});
