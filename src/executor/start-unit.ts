/**
 * A predictor unit: one predictor's graph served over HTTP (Seldon + V2)
 * and gRPC, like Seldon's executor in a pod. Listens at once; /ready turns
 * 200 when every component has loaded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { DeploymentSpec } from '../api/deployment-spec.js';
import { SdepError } from '../core/sdep-error.js';
import { type ConnectionSet, takeOver } from '../http1/connection-set.js';
import type { ConnectionHost } from '../http1/downstream-connection.js';
import { createGraphExecutor } from './graph-executor.js';
import { DEFAULT_MAX_BODY_BYTES } from './limits.js';
import { type BuiltinFactory, resolveUnitComponents } from './resolve-unit-components.js';
import { startUnitGrpc, type UnitGrpcServer } from './unit-grpc.js';
import { createUnitHttpHandler, type UnitLogger } from './unit-http.js';
import { UnitMetrics } from './unit-metrics.js';
import { v2Routes } from './unit-v2.js';

export interface StartUnitOptions {
  deployment: DeploymentSpec;
  predictor: string;
  /** 0 (default) picks a free port. */
  httpPort?: number;
  /** 0 (default) picks a free port; -1 disables gRPC. */
  grpcPort?: number;
  host?: string;
  maxBodyBytes?: number;
  /** Per component call, ms (default 30 000). */
  componentTimeoutMs?: number;
  log?: UnitLogger;
  createBuiltin?: BuiltinFactory;
  /** Confine model and container paths to these directories (see allowed-roots.ts). */
  allowedRoots?: readonly string[];
  /** Where relative modelUri paths and container working dirs resolve (default: the deployment file's folder). */
  baseDir?: string;
  /** false: node's http server reads every REST request (default: sdep's HTTP/1.1 codec takes the plain ones). */
  fastPath?: boolean;
}

export interface Unit {
  readonly httpPort: number;
  /** 0 when gRPC is disabled. */
  readonly grpcPort: number;
  /** Resolves when every component has loaded; rejects if one cannot. */
  readonly ready: Promise<void>;
  isReady(): boolean;
  close(): Promise<void>;
}

const quiet: UnitLogger = { info() {}, warn() {}, error() {} };

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting, lets in-flight requests finish (up to `graceMs`), then drops what is left. */
function closeServer(server: Server, fast: ConnectionSet | undefined, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      fast?.destroyAll();
      server.closeAllConnections();
    }, graceMs);
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    server.close(() => {
      clearTimeout(force);
      clearInterval(idle);
      fast?.destroyAll();
      resolve();
    });
    // Fast-path connections close as each goes idle; node's own, by the interval.
    fast?.stopAll();
    server.closeIdleConnections();
  });
}

export async function startUnit(opts: StartUnitOptions): Promise<Unit> {
  const log = opts.log ?? quiet;
  const predictor = opts.deployment.predictors.find((p) => p.name === opts.predictor);
  if (!predictor) {
    throw new SdepError(
      'SDEP_UNIT_PREDICTOR_NOT_FOUND',
      `SeldonDeployment ${opts.deployment.namespace}/${opts.deployment.name} has no predictor '${opts.predictor}' (has: ${opts.deployment.predictors.map((p) => p.name).join(', ')})`,
      { status: 404 },
    );
  }
  const host = opts.host ?? '127.0.0.1';
  const components = resolveUnitComponents(predictor, {
    baseDir: opts.baseDir ?? dirname(opts.deployment.source.file),
    ...(opts.createBuiltin ? { createBuiltin: opts.createBuiltin } : {}),
    ...(opts.allowedRoots ? { allowedRoots: opts.allowedRoots } : {}),
    onContainerOutput: (container, line, stream) => log.info({ container, stream }, line),
  });
  const metrics = new UnitMetrics({ deployment_name: opts.deployment.name, predictor_name: predictor.name });
  const executor = createGraphExecutor(predictor.graph, (n) => components.resolve(n), {
    name: opts.deployment.name,
    ...(opts.componentTimeoutMs ? { timeoutMs: opts.componentTimeoutMs } : {}),
    onMetrics: (ms) => metrics.recordComponentMetrics(ms),
  });
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const modelNames = new Set([predictor.graph.name, opts.deployment.name]);
  const handler = createUnitHttpHandler({
    executor,
    metrics,
    maxBodyBytes,
    isReady: () => components.isReady(),
    log,
    v2: v2Routes({ modelNames, defaultModel: predictor.graph.name }),
  });
  const server = createServer({ keepAliveTimeout: 65_000 }, handler);
  // Plain HTTP/1.1 requests are read by sdep's codec; node's server answers the rest (http1/).
  const fast =
    opts.fastPath === false
      ? undefined
      : takeOver(server, handler as unknown as ConnectionHost['handler'], {
          headersTimeoutMs: server.headersTimeout,
          requestTimeoutMs: server.requestTimeout,
          keepAliveTimeoutMs: server.keepAliveTimeout,
        });
  let grpc: UnitGrpcServer | undefined;
  let httpPort: number;
  try {
    httpPort = await listen(server, opts.httpPort ?? 0, host);
    if ((opts.grpcPort ?? 0) >= 0)
      grpc = await startUnitGrpc({ executor, host, port: opts.grpcPort ?? 0, log });
  } catch (err) {
    server.close();
    fast?.destroyAll();
    await components.close();
    throw err;
  }
  components.ready.then(
    () => log.info({ predictor: predictor.name }, 'all components loaded'),
    (err: unknown) => log.error({ err }, 'a component failed to load'),
  );
  let closing: Promise<void> | undefined;
  return {
    httpPort,
    grpcPort: grpc?.port ?? 0,
    ready: components.ready,
    isReady: () => components.isReady(),
    close() {
      closing ??= (async () => {
        await Promise.all([closeServer(server, fast, 10_000), grpc?.close(10_000)]);
        await components.close();
      })();
      return closing;
    },
  };
}
