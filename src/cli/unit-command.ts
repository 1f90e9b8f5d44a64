/**
 * `sdep unit`: runs one predictor of a SeldonDeployment as a unit process
 * (Seldon's executor in a pod). Prints exactly one JSON line on stdout when
 * listening — `{"event":"listening","http":<port>,"grpc":<port>}` — which the
 * embedded supervisor reads; logs go to stderr.
 */
import type { Command } from 'commander';
import type { DeploymentSpec } from '../api/deployment-spec.js';
import { formatDiagnostic } from '../core/diagnostic.js';
import { DEFAULT_COMPONENT_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES } from '../executor/limits.js';
import { integerValue } from './flag-values.js';
import { tuneV8ForGrpcServing } from './v8-tuning.js';

interface UnitFlags {
  deployment?: string;
  /** A unit spec file (api/unit-spec.ts): what `sdep serve` hands its units. */
  spec?: string;
  name?: string;
  namespace?: string;
  predictor: string;
  port: string;
  grpcPort: string;
  host: string;
  maxBodyBytes: string;
  componentTimeoutMs?: string;
  modelRoot?: string[];
  baseDir?: string;
  /** false (--no-fast-path): node's http server reads every REST request. */
  fastPath?: boolean;
}

function pick(specs: DeploymentSpec[], flags: UnitFlags, file: string): DeploymentSpec {
  const matching = specs.filter(
    (s) => (!flags.name || s.name === flags.name) && (!flags.namespace || s.namespace === flags.namespace),
  );
  const names = specs.map((s) => `${s.namespace}/${s.name}`).join(', ') || 'none';
  if (matching.length === 1) return matching[0]!;
  if (matching.length === 0) {
    const want = [flags.namespace, flags.name].filter(Boolean).join('/') || 'a valid SeldonDeployment';
    throw new Error(`${file}: no ${want} (valid deployments in the file: ${names})`);
  }
  throw new Error(`${file} holds several SeldonDeployments (${names}): choose one with --name`);
}

/** The deployment to serve: from a unit spec as it stands, or parsed and validated from a SeldonDeployment file. */
async function deploymentFrom(flags: UnitFlags): Promise<DeploymentSpec> {
  if (flags.spec !== undefined) {
    const [{ readFile }, { readUnitSpec }] = await Promise.all([
      import('node:fs/promises'),
      import('../api/unit-spec.js'),
    ]);
    return pick([readUnitSpec(await readFile(flags.spec, 'utf8'), flags.spec)], flags, flags.spec);
  }
  const file = flags.deployment as string;
  // The YAML parser, schema and validators: only units that read a user's file load them.
  const { loadDeployments } = await import('../api/load-deployments.js');
  const loaded = await loadDeployments([file]);
  for (const u of loaded.unreadable) process.stderr.write(`error: ${JSON.stringify(u)}\n`);
  for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  return pick(loaded.specs, flags, file);
}

async function runUnit(flags: UnitFlags): Promise<void> {
  if ((flags.deployment === undefined) === (flags.spec === undefined)) {
    throw new Error('give one of --deployment <file> and --spec <file>');
  }
  // Loaded here, not at the top: other commands should not pay for the engine.
  const [{ pino }, { startUnit }, { rootsFromEnv }] = await Promise.all([
    import('pino'),
    import('../executor/start-unit.js'),
    import('../executor/allowed-roots.js'),
  ]);
  const { resolve } = await import('node:path');
  const allowedRoots = flags.modelRoot?.length ? flags.modelRoot.map((r) => resolve(r)) : rootsFromEnv();
  const log = pino({ name: 'sdep-unit', level: process.env.SDEP_LOG_LEVEL ?? 'info' }, pino.destination(2));
  const httpPort = integerValue(flags.port, '--port', 0, 65535);
  const grpcPort = integerValue(flags.grpcPort, '--grpc-port', 0, 65535);
  const maxBodyBytes = integerValue(flags.maxBodyBytes, '--max-body-bytes', 1, 2 ** 31);
  const timeout = flags.componentTimeoutMs
    ? integerValue(flags.componentTimeoutMs, '--component-timeout-ms', 1, 3_600_000)
    : undefined;
  const deployment = await deploymentFrom(flags);
  const unit = await startUnit({
    deployment,
    predictor: flags.predictor,
    httpPort,
    grpcPort,
    host: flags.host,
    maxBodyBytes,
    ...(timeout ? { componentTimeoutMs: timeout } : {}),
    ...(allowedRoots ? { allowedRoots } : {}),
    ...(flags.baseDir ? { baseDir: flags.baseDir } : {}),
    fastPath: flags.fastPath !== false,
    log,
  });
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', http: unit.httpPort, grpc: unit.grpcPort })}\n`,
  );
  log.info(
    {
      deployment: `${deployment.namespace}/${deployment.name}`,
      predictor: flags.predictor,
      http: unit.httpPort,
      grpc: unit.grpcPort,
    },
    'unit listening',
  );
  unit.ready.catch(async () => {
    // A component that cannot load will not get better by waiting: let the supervisor restart us.
    await unit.close();
    process.exit(1);
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'closing unit');
    unit.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

export function registerUnitCommand(program: Command): void {
  program
    .command('unit')
    .description('Serve one predictor of a SeldonDeployment (its inference graph) over HTTP and gRPC')
    .option('--deployment <file>', 'SeldonDeployment file (YAML or JSON; may hold several documents)')
    .option(
      '--spec <file>',
      'instead of --deployment: a unit spec file, the deployment already validated (what sdep serve hands its units)',
    )
    .option('--name <name>', 'which SeldonDeployment in the file (by metadata.name)')
    .option('--namespace <ns>', 'its namespace, when names repeat across namespaces')
    .requiredOption('--predictor <name>', 'the predictor to serve')
    .option('--port <port>', 'HTTP port (0 = ephemeral)', '0')
    .option('--grpc-port <port>', 'gRPC port (0 = ephemeral)', '0')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option(
      '--base-dir <dir>',
      "where relative modelUri paths and container commands' working dirs resolve (default: the file's folder)",
    )
    .option(
      '--max-body-bytes <n>',
      'largest request body accepted (413 above)',
      String(DEFAULT_MAX_BODY_BYTES),
    )
    .option(
      '--component-timeout-ms <ms>',
      `per component call timeout (default ${DEFAULT_COMPONENT_TIMEOUT_MS})`,
    )
    .option(
      '--no-fast-path',
      "read REST requests with node's http server instead of sdep's own HTTP/1.1 codec",
    )
    .option(
      '--model-root <dir>',
      'only local modelUris, container working dirs and command paths inside these (default: $SDEP_MODEL_ROOTS, colon-separated) (repeatable)',
      (dir: string, prev: string[] = []) => [...prev, dir],
    )
    .action(async (flags: UnitFlags) => {
      tuneV8ForGrpcServing();
      try {
        await runUnit(flags);
      } catch (err) {
        process.stderr.write(`sdep unit: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      }
    });
}
