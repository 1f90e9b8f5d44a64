/**
 * `sdep gateway`: the embedded Ambassador stand-in on its own. Mapping files
 * → RouteTable → data plane + admin port. With --watch, a changed file set is
 * rebuilt and swapped in; a set that cannot be read or parsed keeps the
 * running table and says why.
 */
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { loadMappings } from '../ambassador/load-mappings.js';
import { readResourceFiles } from '../api/resource-files.js';
import { type Diagnostic, formatDiagnostic, hasErrors } from '../core/diagnostic.js';
import {
  createAdminServer,
  isLoopback,
  resolveAdminToken,
  routeSummary,
  startTrafficSampler,
  TRAFFIC_PATH,
  trafficHandler,
} from '../gateway/admin/index.js';
import {
  createGateway,
  createLiteralResolver,
  type Gateway,
  ShadowComparer,
  type TlsOption,
} from '../gateway/index.js';
import {
  createGatewayMetrics,
  createRegistry,
  gatewayRequestObserver,
  shadowComparisonRecorder,
} from '../metrics/index.js';
import { buildRouteTable, type RouteTable } from '../routing/index.js';
import { portValue, workersValue } from './flag-values.js';
import { announceWorker, isGatewayWorker, runGatewayPrimary } from './gateway-workers.js';
import { shadowCompareRateOption, shadowPipeliningOption } from './shadow-options.js';

export interface GatewayCommandOptions {
  mappings: string[];
  ambassadorId: string;
  port?: number;
  adminPort: number;
  host: string;
  /** Where the admin port binds (default 127.0.0.1, whatever `host` is). */
  adminHost?: string;
  /** Bearer token the admin port requires (all paths but check_alive/check_ready). */
  adminToken?: string;
  tls?: TlsOption;
  watch: boolean;
  /** false: node:http and undici instead of sdep's HTTP/1.1 codec (for comparison). */
  fastPath?: boolean;
  /** Shadow responses compared with the main one, at most this many a second (default 200; 0: none). */
  shadowCompareRate?: number;
  /** Most shadow copies pipelined on one upstream connection (default 16; 1: none). */
  shadowPipelining?: number;
}

export interface LoadOutcome {
  table: RouteTable;
  /** Findings before routing (file reading, Mapping loading). */
  diagnostics: Diagnostic[];
  /** Why this set must not replace a running table (unreadable or unparsable files). */
  blocking: string | undefined;
}

/** Files → documents → Mappings → table. Never throws on bad content. */
export async function loadTable(paths: readonly string[], ambassadorId: string): Promise<LoadOutcome> {
  const read = await readResourceFiles(paths);
  const loaded = loadMappings(read.documents);
  const diagnostics: Diagnostic[] = [
    ...read.unreadable.map(
      (u): Diagnostic => ({
        code: 'SDEP_FILE_UNREADABLE',
        severity: 'error',
        resource: u.path,
        path: '',
        message: `cannot read: ${u.reason}`,
      }),
    ),
    ...read.diagnostics,
    ...loaded.diagnostics,
  ];
  const table = buildRouteTable(loaded.mappings, { ambassadorId });
  let blocking: string | undefined;
  if (read.unreadable.length > 0) blocking = `cannot read ${read.unreadable.map((u) => u.path).join(', ')}`;
  else if (hasErrors(read.diagnostics)) blocking = 'a file does not parse';
  return { table, diagnostics, blocking };
}

export interface RunningGateway {
  gateway: Gateway;
  admin: Server;
  address: AddressInfo;
  adminAddress: AddressInfo;
  close(): Promise<void>;
}

type Out = (line: string) => void;

export async function runGateway(
  opts: GatewayCommandOptions,
  out: Out = (l) => process.stdout.write(`${l}\n`),
  err: Out = (l) => process.stderr.write(`${l}\n`),
): Promise<RunningGateway> {
  const registry = createRegistry();
  const metrics = createGatewayMetrics(registry);
  let preDiagnostics: Diagnostic[] = [];

  const first = await loadTable(opts.mappings, opts.ambassadorId);
  for (const d of [...first.diagnostics, ...first.table.diagnostics]) err(formatDiagnostic(d));
  if (first.blocking && first.diagnostics.some((d) => d.code === 'SDEP_FILE_UNREADABLE')) {
    throw new Error(`sdep gateway: ${first.blocking}`);
  }
  const gateway = createGateway({
    resolver: createLiteralResolver(),
    metrics: gatewayRequestObserver(metrics),
    shadowCompare: new ShadowComparer({
      sink: shadowComparisonRecorder(metrics),
      ...(opts.shadowCompareRate === undefined ? {} : { maxPerSecond: opts.shadowCompareRate }),
    }),
    ...(opts.tls ? { tls: opts.tls } : {}),
    logger: { info: (m) => err(m), warn: (m) => err(`warning: ${m}`) },
    fastPath: opts.fastPath !== false,
    ...(opts.shadowPipelining === undefined ? {} : { shadowPipelining: opts.shadowPipelining }),
  });
  const swapIn = (o: LoadOutcome) => {
    preDiagnostics = o.diagnostics;
    gateway.setTable(o.table);
    metrics.tableRoutes.set(o.table.routes.length);
    metrics.tableClusters.set(o.table.clusters.size);
  };
  swapIn(first);
  for (const line of routeSummary(first.table)) out(line);

  const traffic = startTrafficSampler(metrics);
  const admin = createAdminServer({
    getTable: () => gateway.table,
    registry,
    getDiagnostics: () => preDiagnostics,
    extraRoutes: [{ path: TRAFFIC_PATH, handler: trafficHandler(traffic.history) }],
    ...(opts.adminToken === undefined ? {} : { token: opts.adminToken }),
  });
  const adminHost = opts.adminHost ?? '127.0.0.1';
  const port = opts.port ?? (opts.tls ? 8443 : 8003);
  let address: AddressInfo;
  let adminAddress: AddressInfo;
  try {
    address = await gateway.listen(port, opts.host);
    adminAddress = await new Promise<AddressInfo>((resolve, reject) => {
      admin.once('error', reject);
      admin.listen(opts.adminPort, adminHost, () => {
        admin.off('error', reject);
        resolve(admin.address() as AddressInfo);
      });
    });
  } catch (e) {
    traffic.stop();
    await gateway.close();
    admin.close();
    throw e;
  }

  let watcher: import('chokidar').FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let reloading: Promise<void> = Promise.resolve();
  let closed = false;
  const reload = async () => {
    const next = await loadTable(opts.mappings, opts.ambassadorId);
    if (closed) return;
    if (next.blocking) {
      for (const d of next.diagnostics) err(formatDiagnostic(d));
      err(`reload: ${next.blocking}; keeping the running table`);
      metrics.tableReloads.inc({ result: 'kept_previous' });
      return;
    }
    for (const d of [...next.diagnostics, ...next.table.diagnostics]) err(formatDiagnostic(d));
    swapIn(next);
    metrics.tableReloads.inc({ result: 'ok' });
    out('reloaded:');
    for (const line of routeSummary(next.table)) out(line);
  };
  if (opts.watch) {
    // Loaded only with --watch (memory the plain gateway does not need).
    const { watch } = await import('chokidar');
    watcher = watch(opts.mappings, { ignoreInitial: true });
    watcher.on('all', () => {
      // Editors write in bursts: settle, then rebuild once, one rebuild at a time.
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        reloading = reloading.then(reload).catch((e: unknown) => err(`reload failed: ${String(e)}`));
      }, 150);
    });
    watcher.on('error', (e) => err(`watch: ${String(e)}`));
    // Announce only once edits are seen: a change made right after start must not be missed.
    const w = watcher;
    await new Promise<void>((resolve) => w.once('ready', () => resolve()));
  }

  const scheme = opts.tls ? 'https' : 'http';
  out(`gateway listening on ${scheme}://${hostPort(address)}`);
  out(`admin listening on http://${hostPort(adminAddress)} (diag: /ambassador/v0/diag/)`);
  if (!isLoopback(adminHost) && opts.adminToken === undefined)
    err(
      `warning: the admin port listens on ${adminHost} with no token: set --admin-token-file or SDEP_ADMIN_TOKEN`,
    );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher?.close();
      traffic.stop();
      await reloading;
      admin.closeAllConnections();
      await new Promise<void>((resolve) => admin.close(() => resolve()));
      await gateway.close();
    })();
    return closing;
  };
  return { gateway, admin, address, adminAddress, close };
}

function hostPort(a: AddressInfo): string {
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

interface RawOptions {
  mappings: string[];
  ambassadorId: string;
  port?: number;
  adminPort: number;
  host: string;
  adminHost: string;
  adminTokenFile?: string;
  tls?: string;
  tlsCert?: string;
  tlsKey?: string;
  watch?: boolean;
  workers: number;
  fastPath: boolean;
  shadowCompareRate?: number;
  shadowPipelining?: number;
}

async function tlsOption(o: RawOptions): Promise<TlsOption | undefined> {
  if (o.tls !== undefined && o.tls !== 'self-signed')
    throw new Error(`--tls accepts only "self-signed" (got "${o.tls}")`);
  if (o.tls && (o.tlsCert || o.tlsKey))
    throw new Error('use either --tls self-signed or --tls-cert/--tls-key, not both');
  if (o.tls) return 'self-signed';
  if (!o.tlsCert !== !o.tlsKey) throw new Error('--tls-cert and --tls-key go together');
  if (o.tlsCert && o.tlsKey) return { cert: await readFile(o.tlsCert), key: await readFile(o.tlsKey) };
  return undefined;
}

export function registerGatewayCommand(program: Command): void {
  program
    .command('gateway')
    .description('Run the Ambassador-compatible gateway on Mapping files (service host:port taken literally)')
    .requiredOption('-m, --mappings <paths...>', 'Mapping files or directories (YAML/JSON)')
    .option('--ambassador-id <id>', 'load only Mappings for this ambassador_id', 'default')
    .option('-p, --port <port>', 'gateway port (default 8003, 8443 with TLS)', portValue)
    .option('--admin-port <port>', 'admin port: diag, ready/alive, /metrics', portValue, 8877)
    .option('--host <host>', 'address the gateway binds', '127.0.0.1')
    .option('--admin-host <host>', 'address the admin port binds (not changed by --host)', '127.0.0.1')
    .option(
      '--admin-token-file <file>',
      'require Authorization: Bearer <token> on the admin port (except check_alive/check_ready); default: $SDEP_ADMIN_TOKEN',
    )
    .option('--tls <mode>', 'serve TLS with a certificate generated at start: "self-signed"')
    .option('--tls-cert <file>', 'TLS certificate (PEM)')
    .option('--tls-key <file>', 'TLS private key (PEM)')
    .option('-w, --watch', 'rebuild and swap the route table when the files change', false)
    .option(
      '--workers <n>',
      'gateway processes sharing the ports (node:cluster); breakers and /metrics are per worker',
      workersValue,
      1,
    )
    .addOption(shadowCompareRateOption())
    .addOption(shadowPipeliningOption('upstream'))
    .option(
      '--no-fast-path',
      "carry HTTP/1.1 with node's http server and undici instead of sdep's own codec (the benchmark's reference)",
    )
    .action(async (raw: RawOptions) => {
      if (raw.workers > 1 && !isGatewayWorker()) {
        runGatewayPrimary(
          raw.workers,
          (l) => process.stdout.write(`${l}\n`),
          (l) => process.stderr.write(`${l}\n`),
        );
        return;
      }
      const worker = isGatewayWorker();
      const announced: string[] = [];
      let running: RunningGateway;
      try {
        const tls = await tlsOption(raw);
        const adminToken = await resolveAdminToken(raw.adminTokenFile);
        running = await runGateway(
          {
            mappings: raw.mappings,
            ambassadorId: raw.ambassadorId,
            ...(raw.port === undefined ? {} : { port: raw.port }),
            adminPort: raw.adminPort,
            host: raw.host,
            adminHost: raw.adminHost,
            ...(adminToken === undefined ? {} : { adminToken }),
            ...(tls ? { tls } : {}),
            watch: raw.watch === true,
            fastPath: raw.fastPath,
            ...(raw.shadowCompareRate === undefined ? {} : { shadowCompareRate: raw.shadowCompareRate }),
            ...(raw.shadowPipelining === undefined ? {} : { shadowPipelining: raw.shadowPipelining }),
          },
          worker ? (l) => announced.push(l) : undefined,
        );
      } catch (e) {
        process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 1;
        // A cluster worker's IPC channel would keep it alive.
        if (worker) process.exit(1);
        return;
      }
      const stop = () => {
        running.close().then(
          () => process.exit(0),
          (e: unknown) => {
            process.stderr.write(`error while closing: ${String(e)}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (worker) announceWorker(announced);
    });
}
