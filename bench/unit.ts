/**
 * Predictor unit (not part of `npm test`): `npx tsx bench/unit.ts [--short] [--duration=S]`.
 *
 * Real `sdep unit` processes (compiled CLI, with the node flags `sdep serve`
 * gives its units): the seed's mock classifier
 * graph, an ONNX_SERVER graph (a small logistic regression built with
 * onnx-proto, run in process by onnxruntime-node), and, as the baseline,
 * the mock classifier alone as a component microservice (`sdep
 * microservice --implementation MOCK_CLASSIFIER`, its /predict). REST load
 * from wrk -t1; gRPC (seldon.protos.Seldon/Predict) from h2load, one call
 * in flight per connection (bench/lib/h2load.ts; a grpc-js client when
 * nghttp2-client is missing: bench/lib/grpc-run.ts). 1, 16 and 64
 * connections, S seconds per row. Prints predictions/s, p50/p99 and each
 * unit's RSS idle and after its load.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unitNodeFlags } from '../src/cli/v8-tuning.js';
import { logisticRegressionModel } from '../test/fixtures/logreg-onnx.js';
import { grpcLoad, grpcLoadTool } from './lib/grpc-run.js';
import { groupStats, installCleanup, start, stopAll, waitForHttp, waitForLine } from './lib/proc.js';
import { argNumber, environment, f, int, SHORT, table } from './lib/report.js';
import { CLI, ROOT, requireBuild } from './lib/sdep.js';
import { seedBody } from './lib/serve.js';
import { ensureWrk, wrk } from './lib/wrk.js';

const CONCURRENCIES = SHORT ? [1, 16] : [1, 16, 64];
const SECONDS = argNumber('duration', SHORT ? 3 : 6);
const SEED = seedBody();
const ONNX_BODY = JSON.stringify({ data: { tensor: { shape: [1, 3], values: [1, 2, 3] } } });

interface Started {
  child: ChildProcess;
  http: number;
  grpc: number | undefined;
}

/** `nodeFlags`: what `sdep serve` gives its units (cli/v8-tuning.ts). */
async function startCli(args: string[], ready: string, nodeFlags: string[] = []): Promise<Started> {
  const child = start(process.execPath, [...nodeFlags, CLI, ...args], {
    pipeStdout: true,
    env: { ...process.env, SDEP_LOG_LEVEL: 'warn' },
  });
  const { http, grpc } = JSON.parse(await waitForLine(child, /^\{/, 120_000)) as {
    http: number;
    grpc?: number;
  };
  await waitForHttp(`http://127.0.0.1:${http}${ready}`, 120_000);
  return { child, http, grpc };
}

interface Row {
  target: string;
  proto: 'REST' | 'gRPC';
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function main(): Promise<void> {
  installCleanup(SHORT ? 600 : 1800);
  requireBuild();
  ensureWrk();
  const dir = mkdtempSync(join(tmpdir(), 'sdep-bench-unit-'));
  try {
    writeFileSync(join(dir, 'logreg.onnx'), logisticRegressionModel());
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
    const base = await startCli(
      ['microservice', '--implementation', 'MOCK_CLASSIFIER', '--http-port', '0', '--no-grpc'],
      '/health/ping',
    );
    const mock = await startCli(
      ['unit', '--deployment', join(ROOT, 'examples/mymodel.yaml'), '--predictor', 'default'],
      '/ready',
      unitNodeFlags({}, []),
    );
    const onnx = await startCli(
      ['unit', '--deployment', join(dir, 'onnx.yaml'), '--predictor', 'default'],
      '/ready',
      unitNodeFlags({}, []),
    );
    const idle = new Map([
      ['mock', groupStats(mock.child.pid!).rssMb],
      ['onnx', groupStats(onnx.child.pid!).rssMb],
    ]);
    console.log(`# ${environment()}`);
    console.log(
      `# ${SECONDS} s per row, not pinned; REST: wrk -t1; gRPC: ${grpcLoadTool() === 'h2load' ? 'h2load -m1' : 'grpc-js closed loop (bench/lib/grpc-load.ts)'}`,
    );
    const rows: Row[] = [];
    const targets: [string, Started, string, string][] = [
      ['baseline: microservice /predict (mock)', base, '/predict', SEED],
      ['unit: mock classifier graph', mock, '/api/v1.0/predictions', SEED],
      ['unit: ONNX_SERVER graph', onnx, '/api/v1.0/predictions', ONNX_BODY],
    ];
    for (const [, s, path, body] of targets) {
      await wrk({ url: `http://127.0.0.1:${s.http}${path}`, connections: 16, seconds: 1, body });
    }
    for (const c of CONCURRENCIES) {
      for (const [name, s, path, body] of targets) {
        const r = await wrk({
          url: `http://127.0.0.1:${s.http}${path}`,
          connections: c,
          seconds: SECONDS,
          body,
        });
        rows.push({ target: name, proto: 'REST', connections: c, ...r });
        if (s.grpc !== undefined && s !== base) {
          rows.push({
            target: name,
            proto: 'gRPC',
            connections: c,
            ...(await grpcLoad(s.grpc, c, SECONDS, body)),
          });
        }
      }
    }
    console.log('');
    console.log(
      table(
        ['target', 'protocol', 'conns', 'predictions/s', 'p50 ms', 'p99 ms', 'errors'],
        rows.map((r) => [r.target, r.proto, r.connections, int(r.rps), f(r.p50, 3), f(r.p99, 3), r.errors]),
      ),
    );
    console.log('');
    console.log(
      table(
        ['unit process', 'RSS idle MB', 'RSS after the load above MB'],
        [
          ['mock classifier', f(idle.get('mock')!, 0), f(groupStats(mock.child.pid!).rssMb, 0)],
          ['ONNX_SERVER', f(idle.get('onnx')!, 0), f(groupStats(onnx.child.pid!).rssMb, 0)],
        ],
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  await main();
} finally {
  await stopAll();
}
