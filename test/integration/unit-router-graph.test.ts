/**
 * One real unit running a full inference graph:
 *   scale (TRANSFORMER, JS) → bandit (ROUTER, EPSILON_GREEDY)
 *     ├─ 0: mean (COMBINER, JS) over plus1 and plus3 (MODELs, JS)
 *     └─ 1: logreg (MODEL, ONNX_SERVER on a model the test writes)
 * driven over REST and gRPC: routing, requestPath and values on each branch,
 * and feedback that moves the router from branch 0 to branch 1.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSeldonProto } from '../../src/protocol/load-seldon-proto.js';
import {
  fromProtoMessage,
  type ProtoSeldonMessage,
  toProtoMessage,
} from '../../src/protocol/proto-convert.js';
import type { SeldonMessage } from '../../src/protocol/seldon-message.js';
import { expected, logisticRegressionModel } from '../fixtures/logreg-onnx.js';
import { postJson, startUnitProcess, type UnitProcess, waitFor } from './unit-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'sdep-router-graph-'));
writeFileSync(join(dir, 'logreg.onnx'), logisticRegressionModel());
writeFileSync(
  join(dir, 'scale.mjs'),
  'export default class Scale { transformInput(X) { return X.map((r) => r.map((v) => v * 2)); } }\n',
);
writeFileSync(
  join(dir, 'plus.mjs'),
  `export default class Plus {
  constructor({ add }) { this.add = add; }
  predict(X) { return X.map((r) => r.map((v) => v + this.add)); }
}
`,
);
writeFileSync(
  join(dir, 'mean.mjs'),
  `export default class Mean {
  aggregate(Xs) { return Xs[0].map((row, i) => row.map((_, j) => Xs.reduce((s, X) => s + X[i][j], 0) / Xs.length)); }
}
`,
);
const container = (name: string, module: string) =>
  `        - name: ${name}\n          command: ["sdep", "microservice", "--module", "${module}", "--no-grpc"]\n`;
writeFileSync(
  join(dir, 'graph.yaml'),
  `apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: bandit-graph}
spec:
  predictors:
  - name: main
    graph:
      name: scale
      type: TRANSFORMER
      children:
      - name: bandit
        type: ROUTER
        implementation: EPSILON_GREEDY
        parameters:
        - {name: n_branches, type: INT, value: "2"}
        - {name: epsilon, type: FLOAT, value: "0"}
        children:
        - name: mean
          type: COMBINER
          children:
          - name: plus1
            type: MODEL
            parameters: [{name: add, type: INT, value: "1"}]
          - name: plus3
            type: MODEL
            parameters: [{name: add, type: INT, value: "3"}]
        - name: logreg
          type: MODEL
          implementation: ONNX_SERVER
          modelUri: logreg.onnx
    componentSpecs:
    - spec:
        containers:
${container('scale', 'scale.mjs')}${container('mean', 'mean.mjs')}${container('plus1', 'plus.mjs')}${container('plus3', 'plus.mjs')}`,
);

let unit: UnitProcess | undefined;

before(async () => {
  unit = await startUnitProcess(['--deployment', join(dir, 'graph.yaml'), '--predictor', 'main']);
  await waitFor(async () => (await fetch(`${unit!.base}/ready`)).status === 200, 90_000, 200);
});

after(async () => {
  await unit?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  data: { names?: string[]; ndarray?: number[][] };
  meta: { puid: string; routing: Record<string, number>; requestPath: Record<string, string> };
}

const X = [
  [1, 2, 3],
  [0, -1, 0.5],
];

async function predict(): Promise<Reply> {
  const r = await postJson(`${unit!.base}/api/v1.0/predictions`, { data: { ndarray: X } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json as unknown as Reply;
}

function grpcPredict(msg: SeldonMessage): Promise<SeldonMessage> {
  const Seldon = loadSeldonProto().services.Seldon;
  const client = new Seldon(`127.0.0.1:${unit!.grpc}`, credentials.createInsecure());
  return new Promise<SeldonMessage>((resolve, reject) => {
    const call = client.Predict as (
      req: ProtoSeldonMessage,
      md: Metadata,
      cb: (err: ServiceError | null, res: ProtoSeldonMessage) => void,
    ) => void;
    call.call(client, toProtoMessage(msg), new Metadata(), (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(fromProtoMessage(res));
    });
  });
}

const scaled = X.map((r) => r.map((v) => v * 2));

test('branch 0: transformer → router → combiner of two models; routing, requestPath and values', async () => {
  const r = await predict();
  assert.deepEqual(r.meta.routing, { bandit: 0 });
  assert.deepEqual(Object.keys(r.meta.requestPath).sort(), ['bandit', 'mean', 'plus1', 'plus3', 'scale']);
  // mean of (2x + 1) and (2x + 3) = 2x + 2
  assert.deepEqual(
    r.data.ndarray,
    scaled.map((row) => row.map((v) => v + 2)),
  );
  const g = await grpcPredict({ data: { ndarray: X } });
  assert.deepEqual(g.meta?.routing, { bandit: 0 });
  assert.deepEqual(g.data?.ndarray, r.data.ndarray, 'gRPC gives the REST answer');
});

test('feedback reaches the router: rewards for branch 1 move traffic to the ONNX model, whose outputs match', async () => {
  const first = await predict();
  const feedback = async (branch: number, reward: number) => {
    const response = { ...first, meta: { ...first.meta, routing: { bandit: branch } } };
    const fb = await postJson(`${unit!.base}/api/v1.0/feedback`, {
      request: { data: { ndarray: X } },
      response,
      reward,
    });
    assert.equal(fb.status, 200, JSON.stringify(fb.json));
  };
  await feedback(0, 0);
  await feedback(1, 1);
  const r = await predict();
  assert.deepEqual(r.meta.routing, { bandit: 1 }, 'the router now exploits branch 1');
  assert.deepEqual(Object.keys(r.meta.requestPath).sort(), ['bandit', 'logreg', 'scale']);
  const want = expected(scaled);
  const got = r.data.ndarray!;
  assert.equal(got.length, want.length);
  got.forEach((row, i) => {
    assert.ok(Math.abs(row[0]! - want[i]![0]!) < 1e-6, `row ${i}: ${row[0]} vs ${want[i]![0]}`);
  });
  // and it learns back: mean rewards now 2/3 for branch 0 and 1/3 for branch 1
  await feedback(0, 1);
  await feedback(0, 1);
  await feedback(1, 0);
  await feedback(1, 0);
  assert.deepEqual((await predict()).meta.routing, { bandit: 0 });
});
