/**
 * `sdep serve` for the benchmarks: SeldonDeployment files in a temp dir,
 * ephemeral ports, `--log-format json` read for the gateway port and each
 * unit's pid and ports; resolves once serve reports `ready`.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, stop } from './proc.js';
import { CLI, requireBuild } from './sdep.js';

export interface UnitInfo {
  id: string;
  pid: number;
  http: number;
  grpc: number;
}

export interface RunningServe {
  port: number;
  admin: number;
  units: UnitInfo[];
  child: ChildProcess;
  /** Unit log lines serve relayed so far (to spot logging on the hot path). */
  unitLogLines(): number;
  close(): Promise<void>;
}

export async function startServe(files: Record<string, string>, cpu?: string): Promise<RunningServe> {
  requireBuild();
  const dir = mkdtempSync(join(tmpdir(), 'sdep-bench-serve-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const child = start(
    process.execPath,
    [CLI, 'serve', dir, '--port', '0', '--admin-port', '0', '--log-format', 'json', '--no-watch'],
    { cpu, pipeStdout: true, cwd: dir },
  );
  const units: UnitInfo[] = [];
  let port = 0;
  let admin = 0;
  let logLines = 0;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('sdep serve not ready after 120 s')), 120_000);
    let buf = '';
    let ready = false;
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let e: Record<string, unknown>;
        try {
          e = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        if (e.event === 'unit-log') logLines++;
        else if (e.event === 'listening') {
          port = e.http as number;
          admin = e.admin as number;
        } else if (e.event === 'unit-ready') {
          units.push({
            id: e.id as string,
            pid: e.pid as number,
            http: e.http as number,
            grpc: e.grpc as number,
          });
        } else if (e.event === 'ready' && !ready) {
          ready = true;
          clearTimeout(t);
          resolve();
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`sdep serve exited (${code}) before ready`));
    });
  });
  return {
    port,
    admin,
    units,
    child,
    unitLogLines: () => logLines,
    async close() {
      await stop(child, 10_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A SeldonDeployment: one predictor, a chain of `depth` mock classifiers, `replicas` copies. */
export function mockDeployment(name: string, depth = 1, replicas = 1): string {
  const node = (i: number): string => {
    const child = i + 1 < depth ? node(i + 1) : '[]';
    return `{name: c${i}, type: MODEL, endpoint: {type: REST}, children: ${i + 1 < depth ? `[${child}]` : child}}`;
  };
  const containers = Array.from(
    { length: depth },
    (_, i) => `        - {name: c${i}, image: "seldonio/mock_classifier:1.18.2"}`,
  ).join('\n');
  return `apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: ${name}}
spec:
  predictors:
  - name: default
    replicas: ${replicas}
    graph: ${node(0)}
    componentSpecs:
    - spec:
        containers:
${containers}
`;
}

/** The seed's request body, or one with `values` numbers as 2 rows. */
export function seedBody(values = 4): string {
  if (values === 4)
    return JSON.stringify({ data: { names: ['a', 'b'], tensor: { shape: [2, 2], values: [0, 0, 1, 1] } } });
  const cols = Math.max(1, Math.ceil(values / (values >= 2 ? 2 : 1)));
  const rows = values >= 2 ? 2 : 1;
  const vals = Array.from({ length: rows * cols }, (_, i) => (i % 10) / 10);
  return JSON.stringify({ data: { tensor: { shape: [rows, cols], values: vals } } });
}
