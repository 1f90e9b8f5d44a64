import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphNode, NodeType } from '../api/deployment-spec.js';
import { isSdepError } from '../core/sdep-error.js';
import type { Component } from '../runtime/component.js';
import { createComponentGrpcServer } from '../runtime/component-grpc.js';
import { createComponentServer } from '../runtime/component-server.js';
import { createGraphExecutor } from './graph-executor.js';
import { grpcComponentClient } from './grpc-client.js';
import { ComponentReplyError } from './node-error.js';
import { restComponentClient } from './rest-client.js';

function node(name: string, type: NodeType, children: GraphNode[] = []): GraphNode {
  return { name, type, endpoint: { type: 'REST' }, parameters: [], children };
}

const doubler: Component = {
  predict: (X) => (X as number[][]).map((r) => r.map((v) => v * 2)),
  tags: () => ({ remote: true }),
};

test('REST remote: predicts through the microservice and keeps the representation', async () => {
  const srv = createComponentServer(doubler, { unit: { id: 'm' } });
  const port = await srv.listen(0, '127.0.0.1');
  const client = restComponentClient({ host: '127.0.0.1', port, label: 'example/doubler:1' });
  try {
    const exec = createGraphExecutor(node('m', 'MODEL'), () => client);
    const out = await exec.predict({ data: { tensor: { shape: [1, 2], values: [1, 2] } } });
    assert.deepEqual(out.data?.tensor, { shape: [1, 2], values: [2, 4] });
    assert.deepEqual(out.meta?.requestPath, { m: 'example/doubler:1' });
    assert.deepEqual(out.meta?.tags, { remote: true });
  } finally {
    await client.close();
    await srv.close();
  }
});

test("REST remote: a component's own non-200 reply passes through with its status and body", async () => {
  const srv = createComponentServer({
    predict: () => {
      throw new Error('model exploded');
    },
  });
  const port = await srv.listen(0, '127.0.0.1');
  const client = restComponentClient({ host: '127.0.0.1', port });
  try {
    const exec = createGraphExecutor(node('m', 'MODEL'), () => client);
    await assert.rejects(exec.predict({ data: { ndarray: [[1]] } }), (e: unknown) => {
      assert.ok(e instanceof ComponentReplyError);
      assert.equal(e.status, 500);
      assert.match(JSON.stringify(e.body), /model exploded/);
      assert.match(e.message, /'m'/);
      return true;
    });
  } finally {
    await client.close();
    await srv.close();
  }
});

test('REST remote: an unreachable component is a 503 naming the node', async () => {
  const srv = createComponentServer(doubler);
  const port = await srv.listen(0, '127.0.0.1');
  await srv.close();
  const client = restComponentClient({ host: '127.0.0.1', port });
  try {
    const exec = createGraphExecutor(node('gone', 'MODEL'), () => client);
    await assert.rejects(exec.predict({ data: { ndarray: [[1]] } }), (e: unknown) => {
      assert.ok(isSdepError(e));
      assert.equal(e.status, 503);
      assert.equal(e.code, 'SDEP_COMPONENT_UNAVAILABLE');
      assert.match(e.message, /component 'gone' is unavailable/);
      return true;
    });
  } finally {
    await client.close();
  }
});

test('REST remote: a slow component is a 504 after the per-call timeout', async () => {
  const srv = createComponentServer({
    predict: () => new Promise((r) => setTimeout(() => r([[1]]), 1500).unref()),
  });
  const port = await srv.listen(0, '127.0.0.1');
  const client = restComponentClient({ host: '127.0.0.1', port });
  try {
    const exec = createGraphExecutor(node('slow', 'MODEL'), () => client, { timeoutMs: 100 });
    await assert.rejects(exec.predict({ data: { ndarray: [[1]] } }), (e: unknown) => {
      assert.ok(isSdepError(e));
      assert.equal(e.status, 504);
      assert.equal(e.code, 'SDEP_COMPONENT_TIMEOUT');
      return true;
    });
  } finally {
    await client.close();
    await srv.close();
  }
});

test('REST remote: router, combiner and feedback use the microservice paths', async () => {
  let fed: number | undefined;
  const router = createComponentServer(
    {
      route: () => 1,
      sendFeedback: (_X, _n, reward) => {
        fed = reward;
        return undefined;
      },
    },
    { unit: { id: 'r' } },
  );
  const rport = await router.listen(0, '127.0.0.1');
  const rclient = restComponentClient({ host: '127.0.0.1', port: rport });
  const models: Record<string, Component> = {
    a: { predictRaw: () => ({ jsonData: 'a' }) },
    b: { predictRaw: () => ({ jsonData: 'b' }) },
  };
  try {
    const graph = node('r', 'ROUTER', [node('a', 'MODEL'), node('b', 'MODEL')]);
    const exec = createGraphExecutor(graph, (n) => (n.name === 'r' ? rclient : models[n.name]!));
    const out = await exec.predict({ data: { ndarray: [[1]] } });
    assert.equal(out.jsonData, 'b');
    assert.deepEqual(out.meta?.routing, { r: 1 });
    await exec.feedback({ request: { data: { ndarray: [[1]] } }, response: out, reward: 0.5 });
    assert.equal(fed, 0.5);
  } finally {
    await rclient.close();
    await router.close();
  }
});

test('gRPC remote: predicts through seldon.protos.Model, and a stopped server is a 503', async () => {
  const srv = createComponentGrpcServer(doubler, { unit: { id: 'g' } });
  const port = await srv.listen(0, '127.0.0.1');
  const client = grpcComponentClient({ host: '127.0.0.1', port, type: 'MODEL', label: 'grpc-doubler' });
  try {
    const exec = createGraphExecutor(node('g', 'MODEL'), () => client, { timeoutMs: 5000 });
    const out = await exec.predict({ data: { ndarray: [[1, 2]] } });
    assert.deepEqual(out.data?.ndarray, [[2, 4]]);
    assert.deepEqual(out.meta?.requestPath, { g: 'grpc-doubler' });
    await srv.close();
    await assert.rejects(exec.predict({ data: { ndarray: [[1]] } }), (e: unknown) => {
      assert.ok(isSdepError(e));
      assert.equal(e.status, 503);
      assert.match(e.message, /component 'g' is unavailable/);
      return true;
    });
  } finally {
    await client.close();
    await srv.close().catch(() => {});
  }
});
