/**
 * Real units whose graphs reach beyond the process: a container run as a
 * local process (`sdep microservice` and a plain node script), a remote
 * component (a component microservice in this process) that dies, and a
 * container sdep cannot run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type ComponentServer, createComponentServer } from '../../src/runtime/component-server.js';
import {
  postJson,
  runUnitExpectingFailure,
  startUnitProcess,
  type UnitProcess,
  waitFor,
  waitForGone,
} from './unit-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'sdep-unit-graph-'));
const PID_FILE = join(dir, 'prep.pid');
const SIGMOID_ZERO = 0.05133579311531625; // mock classifier on a row of zeros

writeFileSync(
  join(dir, 'prep.mjs'),
  `import { writeFileSync } from 'node:fs';
export default class Prep {
  constructor(params) { this.scale = params.scale ?? 1; }
  load() { writeFileSync(process.env.PID_FILE, String(process.pid)); }
  transformInput(X) { return X.map((r) => r.map((v) => v * this.scale)); }
}
`,
);
writeFileSync(
  join(dir, 'envy.mjs'),
  `import http from 'node:http';
const env = process.env;
http.createServer((req, res) => {
  if (req.url === '/health/ping') { res.end('pong'); return; }
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ jsonData: {
      id: env.PREDICTIVE_UNIT_ID, params: JSON.parse(env.PREDICTIVE_UNIT_PARAMETERS),
      ports: [env.PREDICTIVE_UNIT_HTTP_SERVICE_PORT, env.PREDICTIVE_UNIT_SERVICE_PORT, env.PREDICTIVE_UNIT_GRPC_SERVICE_PORT],
      greeting: env.GREETING, path: req.url, got: JSON.parse(body).data } }));
  });
}).listen(Number(env.PREDICTIVE_UNIT_HTTP_SERVICE_PORT), '127.0.0.1');
`,
);
writeFileSync(
  join(dir, 'local.yaml'),
  `apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: pipeline}
spec:
  predictors:
  - name: main
    graph:
      name: prep
      type: TRANSFORMER
      parameters: [{name: scale, value: "0", type: FLOAT}]
      children:
      - name: classifier
        type: MODEL
    componentSpecs:
    - spec:
        containers:
        - name: prep
          image: example/prep:0.1
          command: ["sdep", "microservice", "--module", "prep.mjs", "--no-grpc"]
          env: [{name: PID_FILE, value: ${JSON.stringify(PID_FILE)}}]
        - name: classifier
          image: seldonio/mock_classifier:1.18.2
---
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: envcheck}
spec:
  predictors:
  - name: main
    graph:
      name: envy
      type: MODEL
      parameters: [{name: depth, value: "3", type: INT}]
    componentSpecs:
    - spec:
        containers:
        - name: envy
          command: ["node", "envy.mjs"]
          env: [{name: GREETING, value: hello}]
---
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: unrunnable}
spec:
  predictors:
  - name: main
    graph: {name: mystery, type: MODEL}
    componentSpecs:
    - spec:
        containers:
        - name: mystery
          image: example/mystery:2.0
`,
);

let pipeline: UnitProcess | undefined;
let envcheck: UnitProcess | undefined;
let remote: UnitProcess | undefined;
let doubler: ComponentServer | undefined;

function remoteYaml(port: number): string {
  return `apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: remote}
spec:
  predictors:
  - name: main
    graph:
      name: doubler
      type: MODEL
      endpoint: {type: REST, service_host: 127.0.0.1, service_port: ${port}}
    componentSpecs:
    - spec:
        containers:
        - name: doubler
          image: example/doubler:1
`;
}

before(async () => {
  // The remote component: a component microservice in this process, closed by the test.
  doubler = createComponentServer({ predict: (X) => (X as number[][]).map((r) => r.map((v) => v * 2)) });
  writeFileSync(join(dir, 'remote.yaml'), remoteYaml(await doubler.listen(0, '127.0.0.1')));
  const local = join(dir, 'local.yaml');
  [pipeline, envcheck, remote] = await Promise.all([
    startUnitProcess(['--deployment', local, '--name', 'pipeline', '--predictor', 'main']),
    startUnitProcess(['--deployment', local, '--name', 'envcheck', '--predictor', 'main']),
    startUnitProcess(['--deployment', join(dir, 'remote.yaml'), '--predictor', 'main']),
  ]);
});

after(async () => {
  await Promise.all([pipeline?.stop(), envcheck?.stop(), remote?.stop(), doubler?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function whenReady(unit: UnitProcess): Promise<void> {
  await waitFor(async () => (await fetch(`${unit.base}/ready`)).status === 200, 60_000, 200);
}

test('a container with a command runs as a local process (sdep microservice) and joins the graph', async () => {
  await whenReady(pipeline!);
  const r = await postJson(`${pipeline!.base}/api/v1.0/predictions`, {
    data: { tensor: { shape: [2, 2], values: [5, 6, 7, 8] } },
  });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const data = r.json.data as { names: string[]; tensor: { shape: number[]; values: number[] } };
  assert.deepEqual(
    data.tensor,
    { shape: [2, 1], values: [SIGMOID_ZERO, SIGMOID_ZERO] },
    'scale 0 zeroed the rows',
  );
  assert.deepEqual((r.json.meta as { requestPath: unknown }).requestPath, {
    prep: 'example/prep:0.1',
    classifier: 'seldonio/mock_classifier:1.18.2',
  });
});

test('the container gets PREDICTIVE_UNIT_* env, its own env, and /predict', async () => {
  await whenReady(envcheck!);
  const r = await postJson(`${envcheck!.base}/api/v1.0/predictions`, { data: { ndarray: [[1]] } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const j = r.json.jsonData as {
    id: string;
    params: unknown;
    ports: string[];
    greeting: string;
    path: string;
    got: unknown;
  };
  assert.equal(j.id, 'envy');
  assert.deepEqual(j.params, [{ name: 'depth', value: '3', type: 'INT' }]);
  assert.equal(j.ports[0], j.ports[1]);
  assert.ok(Number(j.ports[0]) > 0 && Number(j.ports[2]) > 0 && j.ports[0] !== j.ports[2]);
  assert.equal(j.greeting, 'hello');
  assert.equal(j.path, '/predict');
  assert.deepEqual(j.got, { ndarray: [[1]] });
});

test('stopping the unit kills its container processes', async () => {
  await whenReady(pipeline!);
  const pid = Number(readFileSync(PID_FILE, 'utf8'));
  assert.ok(pid > 0);
  assert.equal(await pipeline!.stop(), 0);
  await waitForGone(pid);
});

test('a SIGKILLed unit leaves no container behind: its watchdog kills their process groups', async () => {
  const unit = await startUnitProcess([
    '--deployment',
    join(dir, 'local.yaml'),
    '--name',
    'pipeline',
    '--predictor',
    'main',
  ]);
  try {
    await whenReady(unit);
    const pid = Number(readFileSync(PID_FILE, 'utf8'));
    assert.ok(pid > 0 && pid !== unit.pid);
    unit.child.kill('SIGKILL');
    await waitForGone(pid);
  } finally {
    await unit.stop();
  }
});

test('a container with no command and an unknown image is a clear startup error', async () => {
  const r = await runUnitExpectingFailure([
    '--deployment',
    join(dir, 'local.yaml'),
    '--name',
    'unrunnable',
    '--predictor',
    'main',
  ]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /container 'mystery': cannot run image example\/mystery:2\.0 locally: give the container a command, or use a built-in implementation/,
  );
});

test('a remote component that dies gives a 503 naming the node; the unit keeps serving', async () => {
  const ok = await postJson(`${remote!.base}/api/v1.0/predictions`, { data: { ndarray: [[1, 2]] } });
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  assert.deepEqual((ok.json.data as { ndarray: unknown }).ndarray, [[2, 4]]);
  assert.deepEqual((ok.json.meta as { requestPath: unknown }).requestPath, { doubler: 'example/doubler:1' });

  await doubler!.close();
  doubler = undefined;
  const down = await postJson(`${remote!.base}/api/v1.0/predictions`, { data: { ndarray: [[1, 2]] } });
  assert.equal(down.status, 503);
  const s = down.json.status as { code: number; reason: string; info: string; status: string };
  assert.equal(s.code, 503);
  assert.equal(s.reason, 'SDEP_COMPONENT_UNAVAILABLE');
  assert.equal(s.status, 'FAILURE');
  assert.match(s.info, /component 'doubler' is unavailable/);
  const live = await fetch(`${remote!.base}/live`);
  assert.equal(live.status, 200, 'the unit keeps serving');
  await live.arrayBuffer();
});
