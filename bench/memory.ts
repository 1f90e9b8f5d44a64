/**
 * Memory under load (not part of `npm test`): `npx tsx bench/memory.ts [--short] [--seconds=S]`.
 *
 * RSS (/proc/<pid>/status VmRSS, whole process group) of `sdep gateway`
 * (75/25 split to two node:http upstreams) and of one unit (`sdep unit`,
 * the seed's mock classifier) idle, then sampled every second during S
 * seconds (default 60) of wrk -t1 -c64 at full speed, and after; the
 * gateway also with V8's young generation capped (--max-semi-space-size=8,
 * as NODE_OPTIONS would set it), the unit as `sdep serve` starts it (from
 * a unit spec file, api/unit-spec.ts; its young generation capped, its GC on
 * its own thread: cli/v8-tuning.ts), the same from the user's YAML file
 * (`--deployment`: the YAML parser and validators loaded too), and with
 * node's defaults; then that unit under gRPC load (64 HTTP/2 connections,
 * one Predict call in flight on each: h2load, bench/lib/grpc-run.ts), with sdep's cap
 * on old-generation growth and with V8's default. RssAnon is shown beside RSS: about 40 MB of RSS is
 * node's own binary, shared by every node process. Targets (on RSS):
 * gateway <= 100 MB, unit <= 80 MB after 60 s at full load.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unitNodeFlags } from '../src/cli/v8-tuning.js';
import { writeFirstUnitSpec } from '../test/fixtures/first-unit-spec.js';
import { grpcLoad } from './lib/grpc-run.js';
import { groupStats, installCleanup, start, stop, stopAll, waitForHttp, waitForLine } from './lib/proc.js';
import { argNumber, environment, f, int, SHORT, table } from './lib/report.js';
import { CLI, ROOT, requireBuild, splitMappings, startGateway, startUpstreams } from './lib/sdep.js';
import { seedBody } from './lib/serve.js';
import { ensureWrk, wrk } from './lib/wrk.js';

const SECONDS = argNumber('seconds', SHORT ? 10 : 60);
const GW_BODY = JSON.stringify({ data: { names: ['a', 'b'], ndarray: [[1.0, 2.0]] } });

interface Row {
  name: string;
  idle: number;
  peak: number;
  end: number;
  after: number;
  /** RssAnon after the load: RSS less file-backed pages (node's binary). */
  endAnon: number;
  rps: number;
}

/** wrk -t1 -c64 at full speed for SECONDS; resolves to its req/s. */
function rest(url: string, body: string): () => Promise<number> {
  return async () => (await wrk({ url, connections: 64, seconds: SECONDS, body })).rps;
}

/** 64 HTTP/2 connections, each with one Predict call in flight, for SECONDS. */
function grpc(port: number, body: string): () => Promise<number> {
  return async () => (await grpcLoad(port, 64, SECONDS, body)).rps;
}

async function underLoad(name: string, pid: number, load: () => Promise<number>): Promise<Row> {
  await new Promise((r) => setTimeout(r, 1000));
  const idle = groupStats(pid).rssMb;
  let peak = idle;
  const timer = setInterval(() => {
    peak = Math.max(peak, groupStats(pid).rssMb);
  }, 1000);
  const rps = await load();
  clearInterval(timer);
  const endStats = groupStats(pid);
  const end = endStats.rssMb;
  peak = Math.max(peak, end);
  await new Promise((res) => setTimeout(res, 5000));
  return { name, idle, peak, end, after: groupStats(pid).rssMb, endAnon: endStats.anonMb, rps };
}

async function main(): Promise<void> {
  installCleanup(SECONDS * 5 + 300);
  requireBuild();
  ensureWrk();
  console.log(`# ${environment()}`);
  console.log(
    `# wrk -t1 -c64 (gRPC: 64 channels) for ${SECONDS} s per process, not pinned; RSS sampled every second`,
  );
  const rows: Row[] = [];
  const ups = await startUpstreams(2);
  const gw = await startGateway({ mappings: splitMappings([ups.ports[0]!, ups.ports[1]!]) });
  rows.push(
    await underLoad(
      'sdep gateway',
      gw.child.pid!,
      rest(`http://127.0.0.1:${gw.port}/api/v1.0/predictions`, GW_BODY),
    ),
  );
  await gw.close();
  // V8's young generation grows to 3 x 16 MB semi-spaces under load; capping it trades scavenges for RSS.
  const small = await startGateway({
    mappings: splitMappings([ups.ports[0]!, ups.ports[1]!]),
    nodeFlags: ['--max-semi-space-size=8'],
  });
  rows.push(
    await underLoad(
      'sdep gateway, node --max-semi-space-size=8',
      small.child.pid!,
      rest(`http://127.0.0.1:${small.port}/api/v1.0/predictions`, GW_BODY),
    ),
  );
  await small.close();
  await ups.close();

  // The unit as serve starts it (the spec file serve writes), from the user's file, then with node's own heap sizing.
  const yamlFile = join(ROOT, 'examples/mymodel.yaml');
  const dir = mkdtempSync(join(tmpdir(), 'sdep-bench-mem-'));
  const specFile = join(dir, 'unit.json');
  await writeFirstUnitSpec(yamlFile, specFile);
  const serveFlags = unitNodeFlags({}, []);
  const fromSpec = ['--spec', specFile, '--base-dir', join(ROOT, 'examples')];
  // gRPC: the same unit under gRPC load, then with V8's own old-generation growth (cli/v8-tuning.ts).
  const units: [string, readonly string[], readonly string[], 'REST' | 'gRPC'][] = [
    [
      `sdep unit (mock classifier), as serve starts it: --spec, node ${serveFlags.join(' ')}`,
      serveFlags,
      fromSpec,
      'REST',
    ],
    ['sdep unit --deployment <the YAML>, same node flags', serveFlags, ['--deployment', yamlFile], 'REST'],
    ['sdep unit --spec, node defaults', [], fromSpec, 'REST'],
    ['sdep unit --spec as serve starts it, under gRPC (64 connections)', serveFlags, fromSpec, 'gRPC'],
    [
      'the same, V8 default old-generation growth (--heap-growing-percent=0)',
      [...serveFlags, '--heap-growing-percent=0'],
      fromSpec,
      'gRPC',
    ],
  ];
  for (const [name, flags, input, proto] of units) {
    const unit = start(process.execPath, [...flags, CLI, 'unit', ...input, '--predictor', 'default'], {
      pipeStdout: true,
      env: { ...process.env, SDEP_LOG_LEVEL: 'warn' },
    });
    const ports = JSON.parse(await waitForLine(unit, /^\{/)) as { http: number; grpc: number };
    await waitForHttp(`http://127.0.0.1:${ports.http}/ready`);
    const load =
      proto === 'REST'
        ? rest(`http://127.0.0.1:${ports.http}/api/v1.0/predictions`, seedBody())
        : grpc(ports.grpc, seedBody());
    rows.push(await underLoad(name, unit.pid!, load));
    await stop(unit);
  }
  rmSync(dir, { recursive: true, force: true });

  console.log('');
  console.log(
    table(
      [
        'process',
        'idle MB',
        'peak MB',
        `after ${SECONDS} s load MB`,
        'of which anon MB',
        '+5 s idle MB',
        'req/s',
        'target',
      ],
      rows.map((r) => {
        const limit = r.name.startsWith('sdep gateway') ? 100 : 80;
        return [
          r.name,
          f(r.idle, 0),
          f(r.peak, 0),
          f(r.end, 0),
          f(r.endAnon, 0),
          f(r.after, 0),
          int(r.rps),
          `<= ${limit} MB: ${r.end <= limit ? 'met' : `MISSED by ${f(r.end - limit, 0)} MB`}`,
        ];
      }),
    ),
  );
}

try {
  await main();
} finally {
  await stopAll();
}
