/**
 * Predictor unit benchmark (not part of `npm test`): `npx tsx bench/unit.ts [--duration=S]`.
 *
 * Starts real `sdep unit` processes — the seed's mock classifier graph and an
 * ONNX_SERVER graph (a small logistic regression built with onnx-proto, as
 * the runtime tests do) — plus, as the baseline, the mock classifier alone
 * as a component microservice (`sdep microservice --implementation
 * MOCK_CLASSIFIER`, its /predict). Load from autocannon in its own process
 * at 1, 16 and 64 connections, S seconds per row (default 5). Prints req/s,
 * p50/p99 (ms), errors, and the unit's throughput as a ratio of the baseline.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'src/cli/main.ts');
const CONCURRENCIES = [1, 16, 64];
const duration = Number(process.argv.find((a) => a.startsWith('--duration='))?.slice(11) ?? 5);
const SEED_BODY = JSON.stringify({
  data: { names: ['a', 'b'], tensor: { shape: [2, 2], values: [0, 0, 1, 1] } },
});
const ONNX_BODY = JSON.stringify({ data: { ndarray: [[1, 2, 3]] } });

interface Row {
  target: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function onnxModel(): Uint8Array {
  const { onnx } = onnxProto;
  const F = onnx.TensorProto.DataType.FLOAT;
  const tensorType = (dims: (number | string)[]) =>
    onnx.TypeProto.create({
      tensorType: {
        elemType: F,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'sdep-bench',
    graph: {
      name: 'logreg',
      node: [
        { opType: 'MatMul', input: ['X', 'W'], output: ['XW'], name: 'matmul' },
        { opType: 'Add', input: ['XW', 'B'], output: ['Z'], name: 'add' },
        { opType: 'Sigmoid', input: ['Z'], output: ['proba'], name: 'sigmoid' },
      ],
      initializer: [
        { name: 'W', dataType: F, dims: [3, 1], floatData: [0.5, -1.25, 2] },
        { name: 'B', dataType: F, dims: [1], floatData: [0.1] },
      ],
      input: [{ name: 'X', type: tensorType(['N', 3]) }],
      output: [{ name: 'proba', type: tensorType(['N', 1]) }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function start(args: string[]): Promise<{ child: ChildProcess; http: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SDEP_LOG_LEVEL: 'warn' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not listen`)), 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve({ child, http: (JSON.parse(out.slice(0, nl)) as { http: number }).http });
      }
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(url).then(
      async (r) => {
        await r.arrayBuffer();
        return r.status === 200;
      },
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never ready`);
}

function load(target: string, url: string, body: string, connections: number): Row {
  const out = execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/autocannon/autocannon.js'),
      '-c',
      String(connections),
      '-d',
      String(duration),
      '-m',
      'POST',
      '-H',
      'content-type=application/json',
      '-b',
      body,
      '--json',
      url,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 },
  );
  const r = JSON.parse(out) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
    timeouts: number;
  };
  return {
    target,
    connections,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sdep-bench-unit-'));
  const children: ChildProcess[] = [];
  try {
    writeFileSync(join(dir, 'logreg.onnx'), onnxModel());
    writeFileSync(
      join(dir, 'onnx.yaml'),
      `apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: onnx}
spec:
  predictors:
  - name: default
    graph: {name: logreg, type: MODEL, implementation: ONNX_SERVER, modelUri: ${JSON.stringify(join(dir, 'logreg.onnx'))}}
`,
    );
    const mock = await start([
      'unit',
      '--deployment',
      join(ROOT, 'examples/mymodel.yaml'),
      '--predictor',
      'default',
    ]);
    children.push(mock.child);
    const onnx = await start(['unit', '--deployment', join(dir, 'onnx.yaml'), '--predictor', 'default']);
    children.push(onnx.child);
    const base = await start([
      'microservice',
      '--implementation',
      'MOCK_CLASSIFIER',
      '--http-port',
      '0',
      '--no-grpc',
    ]);
    children.push(base.child);
    await Promise.all([
      waitReady(`http://127.0.0.1:${mock.http}/ready`),
      waitReady(`http://127.0.0.1:${onnx.http}/ready`),
      waitReady(`http://127.0.0.1:${base.http}/health/ping`),
    ]);

    const targets: [string, string, string][] = [
      ['baseline: microservice /predict (mock)', `http://127.0.0.1:${base.http}/predict`, SEED_BODY],
      ['unit: mock classifier graph', `http://127.0.0.1:${mock.http}/api/v1.0/predictions`, SEED_BODY],
      ['unit: ONNX_SERVER graph', `http://127.0.0.1:${onnx.http}/api/v1.0/predictions`, ONNX_BODY],
    ];
    console.log(
      `autocannon, ${duration} s per row, POST JSON; units and load generator share this machine's cores`,
    );
    console.log(
      `${'target'.padEnd(42)} ${'conns'.padStart(5)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(6)} ${'vs baseline'.padStart(11)}`,
    );
    const baseline = new Map<number, number>();
    for (const c of CONCURRENCIES) {
      for (const [name, url, body] of targets) {
        const row = load(name, url, body, c);
        if (name.startsWith('baseline')) baseline.set(c, row.rps);
        const ratio = baseline.get(c) ? (row.rps / baseline.get(c)!).toFixed(2) : '-';
        console.log(
          `${row.target.padEnd(42)} ${String(c).padStart(5)} ${row.rps.toFixed(0).padStart(9)} ${String(row.p50).padStart(7)} ${String(row.p99).padStart(7)} ${String(row.errors).padStart(6)} ${ratio.padStart(11)}`,
        );
      }
    }
  } finally {
    for (const c of children) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
