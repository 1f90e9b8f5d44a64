/**
 * `sdep microservice`: runs one component (a user JS/TS module, or a
 * built-in server) as its own process, as seldon-core-microservice runs a
 * Python model: the component REST endpoints and the gRPC services.
 * Prints one JSON line on stdout when listening —
 * `{"event":"listening","http":<port>,"grpc":<port>}` — and logs to stderr.
 * Defaults come from the env Seldon gives its containers.
 */
import type { Command } from 'commander';
import { pino } from 'pino';
import { collectDefaultMetrics } from 'prom-client';
import { loadBuiltinComponent } from '../runtime/builtin-components.js';
import type { Component } from '../runtime/component.js';
import { createComponentGrpcServer } from '../runtime/component-grpc.js';
import { createComponentServer } from '../runtime/component-server.js';
import { loadComponentModule } from '../runtime/load-component-module.js';
import { parseUnitParameters } from '../runtime/unit-parameters.js';
import { integerValue } from './flag-values.js';
import { tuneV8ForGrpcServing } from './v8-tuning.js';

interface MicroserviceFlags {
  module?: string;
  export?: string;
  implementation?: string;
  modelUri?: string;
  parameters?: string;
  httpPort: string;
  grpcPort: string;
  grpc: boolean;
  host: string;
  unitId?: string;
  image?: string;
  maxBodyBytes: string;
}

const portFlag = (value: string, flag: string): number => integerValue(value, flag, 0, 65535);

async function loadComponent(flags: MicroserviceFlags): Promise<Component> {
  const params = parseUnitParameters(flags.parameters ?? process.env.PREDICTIVE_UNIT_PARAMETERS);
  if (flags.module && flags.implementation) throw new Error('give --module or --implementation, not both');
  if (flags.module) return loadComponentModule(flags.module, flags.export, params);
  if (flags.implementation) {
    const c = await loadBuiltinComponent(
      flags.implementation,
      params,
      flags.modelUri ? { modelUri: flags.modelUri } : {},
    );
    if (!c) throw new Error(`unknown --implementation ${flags.implementation}`);
    return c;
  }
  throw new Error('give --module <path> (a JS/TS component module) or --implementation <NAME>');
}

async function runMicroservice(flags: MicroserviceFlags): Promise<void> {
  const log = pino(
    { name: 'sdep-microservice', level: process.env.SDEP_LOG_LEVEL ?? 'info' },
    pino.destination(2),
  );
  const httpPort = portFlag(flags.httpPort, '--http-port');
  const grpcPort = flags.grpc ? portFlag(flags.grpcPort, '--grpc-port') : undefined;
  const maxBodyBytes = Number(flags.maxBodyBytes);
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1)
    throw new Error('--max-body-bytes must be a positive integer');
  const unit = {
    ...(flags.unitId ? { id: flags.unitId } : {}),
    ...(flags.image ? { image: flags.image } : {}),
  };
  const component = await loadComponent(flags);
  const rest = createComponentServer(component, { unit, maxBodyBytes });
  collectDefaultMetrics({ register: rest.metrics.registry });
  const grpc =
    grpcPort === undefined
      ? undefined
      : createComponentGrpcServer(component, { unit, metrics: rest.metrics });
  const http = await rest.listen(httpPort, flags.host);
  const grpcBound = grpc ? await grpc.listen(grpcPort!, flags.host) : null;
  process.stdout.write(`${JSON.stringify({ event: 'listening', http, grpc: grpcBound })}\n`);
  log.info({ http, grpc: grpcBound, unit }, 'microservice listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'closing microservice');
    Promise.all([rest.close(), grpc?.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

export function registerMicroserviceCommand(program: Command): void {
  const env = process.env;
  program
    .command('microservice')
    .description('Serve one component (a JS/TS model module or a built-in server) as a Seldon microservice')
    .option('--module <path>', 'JS/TS module exporting the component (a class or an object)')
    .option('--export <name>', 'which export of the module (default: the default export)')
    .option(
      '--implementation <name>',
      'a built-in server instead: MOCK_CLASSIFIER, ONNX_SERVER, EPSILON_GREEDY, RANDOM_ABTEST',
    )
    .option('--model-uri <uri>', 'model location for built-in servers (local path or file://)')
    .option(
      '--parameters <json>',
      'parameters: [{name,value,type}] or an object (env PREDICTIVE_UNIT_PARAMETERS)',
    )
    .option(
      '--http-port <port>',
      'HTTP port, 0 = ephemeral (env PREDICTIVE_UNIT_HTTP_SERVICE_PORT)',
      env.PREDICTIVE_UNIT_HTTP_SERVICE_PORT ?? '9000',
    )
    .option(
      '--grpc-port <port>',
      'gRPC port, 0 = ephemeral (env PREDICTIVE_UNIT_GRPC_SERVICE_PORT)',
      env.PREDICTIVE_UNIT_GRPC_SERVICE_PORT ?? '5000',
    )
    .option('--no-grpc', 'serve REST only')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option(
      '--unit-id <id>',
      'graph node name for meta.requestPath (env PREDICTIVE_UNIT_ID)',
      env.PREDICTIVE_UNIT_ID,
    )
    .option(
      '--image <image>',
      'image name for meta.requestPath and /metadata (env PREDICTIVE_UNIT_IMAGE)',
      env.PREDICTIVE_UNIT_IMAGE,
    )
    .option('--max-body-bytes <n>', 'largest request body accepted (413 above)', String(16 * 1024 * 1024))
    .action(async (flags: MicroserviceFlags) => {
      if (flags.grpc) tuneV8ForGrpcServing();
      try {
        await runMicroservice(flags);
      } catch (err) {
        process.stderr.write(`sdep microservice: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      }
    });
}
