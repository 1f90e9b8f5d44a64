/**
 * `sdep serve <files|dirs>...`: the whole product on one machine. Reads the
 * SeldonDeployments (and any hand-written Mappings), runs each predictor
 * replica as a supervised `sdep unit` process, and routes through the
 * embedded Ambassador-compatible gateway; watches the files and applies
 * edits without dropping requests. SIGINT/SIGTERM: stop accepting, drain,
 * stop every unit, exit 0.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  createAdminServer,
  dashboardHandler,
  isLoopback,
  resolveAdminToken,
  startTrafficSampler,
  TRAFFIC_PATH,
  trafficHandler,
} from '../gateway/admin/index.js';
import { createGateway, type Gateway, ShadowComparer, type TlsOption } from '../gateway/index.js';
import {
  buildStatusDocument,
  Controller,
  EmbeddedResolver,
  type InputWatcher,
  type StatusDocument,
  Supervisor,
  startOrphanReaper,
  watchInputs,
} from '../local/index.js';
import { createServePipeline } from '../local/serve-pipeline.js';
import { unitSpecFile } from '../local/unit-spec-file.js';
import {
  createGatewayMetrics,
  createRegistry,
  gatewayRequestObserver,
  shadowComparisonRecorder,
} from '../metrics/index.js';
import { integerValue } from './flag-values.js';
import { selfCommand } from './self-command.js';
import { createServeOutput, formatSummary, type LogFormat } from './serve-output.js';
import { shadowCompareRateOption, shadowPipeliningOption } from './shadow-options.js';
import { STATUS_PATH } from './status-command.js';
import { unitNodeFlags } from './v8-tuning.js';

export interface ServeFlags {
  port: string;
  adminPort: string;
  host: string;
  adminHost: string;
  adminTokenFile?: string;
  modelRoot?: string[];
  ambassadorId: string;
  singleNamespace: boolean;
  tls?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsPort: string;
  logFormat: string;
  watch: boolean;
  /** false (--no-fast-path): node:http and undici instead of sdep's HTTP/1.1 codec. */
  fastPath?: boolean;
  /** Shadow responses compared with the main one, at most this many a second (0: none). */
  shadowCompareRate?: number;
  /** Most shadow copies pipelined on one unit connection (1: none). */
  shadowPipelining?: number;
}

const portFlag = (value: string, flag: string): number => integerValue(value, flag, 0, 65535);

async function tlsOption(flags: ServeFlags): Promise<TlsOption | undefined> {
  if (flags.tls !== undefined && flags.tls !== 'self-signed') {
    throw new Error(
      `--tls takes only "self-signed" (or give --tls-cert and --tls-key), got ${JSON.stringify(flags.tls)}`,
    );
  }
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    throw new Error('--tls-cert and --tls-key go together');
  }
  if (flags.tlsCert !== undefined && flags.tlsKey !== undefined) {
    if (flags.tls !== undefined) throw new Error('give --tls self-signed or --tls-cert/--tls-key, not both');
    const [cert, key] = await Promise.all([readFile(flags.tlsCert), readFile(flags.tlsKey)]);
    return { cert, key };
  }
  return flags.tls === 'self-signed' ? 'self-signed' : undefined;
}

function urlOf(scheme: string, host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${h}:${port}`;
}

function listenAdmin(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function runServe(paths: string[], flags: ServeFlags): Promise<void> {
  if (flags.logFormat !== 'pretty' && flags.logFormat !== 'json') {
    throw new Error(`--log-format is pretty or json, got ${JSON.stringify(flags.logFormat)}`);
  }
  const out = createServeOutput(flags.logFormat as LogFormat);
  const port = portFlag(flags.port, '--port');
  const adminPort = portFlag(flags.adminPort, '--admin-port');
  const tlsPort = portFlag(flags.tlsPort, '--tls-port');
  const tls = await tlsOption(flags);
  const adminToken = await resolveAdminToken(flags.adminTokenFile);
  // units read the allowed roots from their environment
  const modelRootsEnv: Record<string, string> = flags.modelRoot?.length
    ? { SDEP_MODEL_ROOTS: flags.modelRoot.map((r) => resolve(r)).join(delimiter) }
    : {};

  const workDir = await mkdtemp(join(tmpdir(), 'sdep-serve-'));
  // kills the units' process groups, and removes workDir, should this process die without cleaning up
  const reaper = startOrphanReaper({ scratchDir: workDir });
  const supervisor = new Supervisor({
    workDir,
    processGroups: reaper,
    launcher: (unit, file) => {
      const cmd = selfCommand(
        [
          'unit',
          // already validated here: the unit loads no YAML parser or validators
          '--spec',
          file,
          '--name',
          unit.deployment,
          '--namespace',
          unit.namespace,
          '--predictor',
          unit.predictor,
          '--port',
          '0',
          '--grpc-port',
          '0',
          // the unit reads a copy in workDir; relative paths still mean the user's folder
          '--base-dir',
          resolve(dirname(unit.sourceFile)),
          // --no-fast-path puts the units' REST fronts on node's http server too
          ...(flags.fastPath === false ? ['--no-fast-path'] : []),
        ],
        unitNodeFlags(),
      );
      return { ...cmd, env: { ...process.env, ...modelRootsEnv, SDEP_UNIT_ID: unit.id } };
    },
    unitFile: unitSpecFile,
    onEvent: (e) => out.supervisor(e),
  });

  // from here on, no way out may leave a unit process behind
  let exiting = false;
  const killEverything = () => {
    supervisor.killAllNow();
    reaper.close();
    rmSync(workDir, { recursive: true, force: true });
  };
  process.on('exit', killEverything);
  const crash = (err: unknown) => {
    if (exiting) return;
    exiting = true;
    process.stderr.write(
      `sdep serve: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    killEverything();
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);

  const resolver = new EmbeddedResolver();
  const registry = createRegistry();
  const gatewayMetrics = createGatewayMetrics(registry);
  const metrics = gatewayRequestObserver(gatewayMetrics);
  const shadowCompare = new ShadowComparer({
    sink: shadowComparisonRecorder(gatewayMetrics),
    ...(flags.shadowCompareRate === undefined ? {} : { maxPerSecond: flags.shadowCompareRate }),
  });
  const traffic = startTrafficSampler(gatewayMetrics);
  const logger = {
    warn: (msg: string) => out.event({ event: 'gateway-warning', message: msg }, `gateway: ${msg}`),
  };
  const common = {
    resolver,
    metrics,
    logger,
    shadowCompare,
    fastPath: flags.fastPath !== false,
    ...(flags.shadowPipelining === undefined ? {} : { shadowPipelining: flags.shadowPipelining }),
  };
  const gateways: Gateway[] = [createGateway(common)];
  if (tls) gateways.push(createGateway({ ...common, tls }));

  const pipeline = createServePipeline({
    singleNamespace: flags.singleNamespace,
    ambassadorId: flags.ambassadorId,
  });
  const controller = new Controller({
    paths,
    pipeline,
    supervisor,
    setTable: (table) => {
      for (const g of gateways) g.setTable(table);
    },
    onEvent: (e) => out.controller(e),
  });
  supervisor.onChange(() => {
    resolver.update(supervisor.ready());
    void controller.retire();
  });

  const urls: Record<string, string> = {};
  const status = (): StatusDocument => {
    const st = controller.state;
    return buildStatusDocument({
      generation: st.generation,
      servingGeneration: st.servingGeneration,
      reconciling: st.busy,
      ambassadorId: flags.ambassadorId,
      urls,
      specs: st.specs,
      table: st.table,
      diagnostics: st.diagnostics,
      keptFiles: st.keptFiles,
      instances: supervisor.status(),
      naming: pipeline.naming,
      desiredHash: controller.desiredHashes(),
    });
  };
  const admin = createAdminServer({
    getTable: () => gateways[0]?.table,
    registry,
    getDiagnostics: () => {
      const tableDiags = new Set(controller.state.table?.diagnostics ?? []);
      return controller.state.diagnostics.filter((d) => !tableDiags.has(d));
    },
    getExtraStatus: status,
    extraRoutes: [
      {
        path: STATUS_PATH,
        handler: (_req, res) => {
          const body = JSON.stringify(status(), null, 2);
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
          res.end(body);
        },
      },
      { path: TRAFFIC_PATH, handler: trafficHandler(traffic.history) },
    ],
    fallback: dashboardHandler(),
    version: 'sdep 0.1.0',
    ...(adminToken === undefined ? {} : { token: adminToken }),
  });

  const http = await gateways[0]!.listen(port, flags.host);
  urls.gateway = urlOf('http', flags.host, http.port);
  let https: AddressInfo | undefined;
  if (gateways[1]) {
    https = await gateways[1].listen(tlsPort, flags.host);
    urls.https = urlOf('https', flags.host, https.port);
  }
  // The admin port binds its own host: --host exposes the gateway, never the admin API by accident.
  const adminAddr = await listenAdmin(admin, adminPort, flags.adminHost);
  urls.admin = urlOf('http', flags.adminHost, adminAddr.port);
  if (!isLoopback(flags.adminHost) && adminToken === undefined) {
    out.event(
      { event: 'warning', message: 'admin port exposed without a token' },
      `warning: the admin port listens on ${flags.adminHost} with no token: set --admin-token-file or SDEP_ADMIN_TOKEN`,
    );
  }
  out.event(
    { event: 'listening', http: http.port, ...(https ? { https: https.port } : {}), admin: adminAddr.port },
    `sdep serve: gateway ${urls.gateway}${urls.https ? `, ${urls.https}` : ''}, admin ${urls.admin}; loading ${paths.join(' ')}`,
  );

  let watcher: InputWatcher | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      // a second signal: no more patience
      killEverything();
      process.exit(1);
    }
    stopping = true;
    out.event({ event: 'shutdown', signal }, `\n${signal}: stopping (draining requests, then units)…`);
    await watcher?.close();
    traffic.stop();
    await controller.close();
    await Promise.all(gateways.map((g) => g.close()));
    await supervisor.stopAll();
    await new Promise<void>((r) => admin.close(() => r()));
    admin.closeAllConnections?.();
    await rm(workDir, { recursive: true, force: true });
    out.event({ event: 'stopped' }, 'stopped');
    exiting = true;
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT').catch(crash));
  process.on('SIGTERM', () => void shutdown('SIGTERM').catch(crash));

  if (flags.watch) {
    watcher = watchInputs(paths, (changed) => {
      out.event({ event: 'files-changed', files: changed }, `changed: ${changed.join(', ')} — reloading`);
      void controller.request();
    });
  }
  await controller.request();
  if (stopping) return;
  const doc = status();
  if (flags.logFormat === 'pretty')
    process.stdout.write(`${formatSummary(doc, urls.gateway, urls.admin, urls.https)}\n`);
  if (controller.state.servingGeneration === 0) {
    out.event(
      { event: 'not-serving', reason: 'the initial reconcile failed' },
      'not serving yet: loading failed (see above); fix the files and save to retry',
    );
  }
  await watcher?.ready;
  out.event(
    {
      event: 'ready',
      http: http.port,
      ...(https ? { https: https.port } : {}),
      admin: adminAddr.port,
      deployments: doc.deployments.length,
      units: supervisor.pids().length,
      routes: doc.routes.length,
    },
    flags.watch ? 'ready; watching for changes (Ctrl-C to stop)' : 'ready (Ctrl-C to stop)',
  );
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'serve SeldonDeployments on this machine: units as processes behind an Ambassador-compatible gateway',
    )
    .argument('<paths...>', 'SeldonDeployment (and Mapping) files or directories (*.yaml, *.yml, *.json)')
    .option('--port <port>', 'gateway HTTP port', '8003')
    .option('--admin-port <port>', 'admin port (diag, ready checks, /metrics, status)', '8877')
    .option('--host <host>', 'address the gateway binds (HTTP and HTTPS)', '127.0.0.1')
    .option('--admin-host <host>', 'address the admin port binds (not changed by --host)', '127.0.0.1')
    .option(
      '--admin-token-file <file>',
      'require Authorization: Bearer <token> on the admin port (except check_alive/check_ready); default: $SDEP_ADMIN_TOKEN',
    )
    .option(
      '--model-root <dir>',
      'units may read models and run container commands only inside these directories (default: $SDEP_MODEL_ROOTS) (repeatable)',
      (dir: string, prev: string[] = []) => [...prev, dir],
    )
    .option('--ambassador-id <id>', 'serve only Mappings for this ambassador_id', 'default')
    .option('--single-namespace', 'also route /seldon/<name>/ (Seldon singleNamespace=true)', true)
    .option('--no-single-namespace', 'only the namespaced URLs /seldon/<ns>/<name>/')
    .option('--tls <mode>', 'HTTPS with a generated certificate: self-signed')
    .option('--tls-cert <file>', 'HTTPS certificate (PEM), with --tls-key')
    .option('--tls-key <file>', 'HTTPS private key (PEM), with --tls-cert')
    .option('--tls-port <port>', 'HTTPS port when TLS is on', '8443')
    .option('--log-format <format>', 'pretty or json (one event per line)', 'pretty')
    .option('--no-watch', 'do not reload when the files change')
    .addOption(shadowCompareRateOption())
    .addOption(shadowPipeliningOption('unit'))
    .option(
      '--no-fast-path',
      "carry HTTP/1.1 with node's http server and undici instead of sdep's own codec (gateway and units)",
    )
    .action(async (paths: string[], flags: ServeFlags) => {
      try {
        await runServe(paths, flags);
      } catch (err) {
        process.stderr.write(`sdep serve: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      }
    });
}
