import { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Each subcommand lives in its own file and registers itself. They are
 * imported on demand: `sdep gateway` must not pay (in start-up time and
 * resident memory) for the Kubernetes client, ONNX Runtime or gRPC stacks
 * the other commands load.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./serve-command.js')).registerServeCommand,
  predict: async () => (await import('./predict-command.js')).registerPredictCommand,
  status: async () => (await import('./status-command.js')).registerStatusCommand,
  unit: async () => (await import('./unit-command.js')).registerUnitCommand,
  gateway: async () => (await import('./gateway-command.js')).registerGatewayCommand,
  microservice: async () => (await import('./microservice-command.js')).registerMicroserviceCommand,
  validate: async () => (await import('./validate-command.js')).registerValidateCommand,
  render: async () => (await import('./render-command.js')).registerRenderCommand,
  operator: async () => (await import('./operator-command.js')).registerOperatorCommand,
};

/**
 * The `sdep` command tree for `argv` (process.argv): only the named
 * subcommand when argv names one, every subcommand otherwise (help, typos).
 */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command();
  program
    .name('sdep')
    .description('Serve SeldonDeployments through an Ambassador-compatible gateway')
    .version('0.1.0');
  const named = argv[2];
  const only =
    named !== undefined && Object.hasOwn(COMMANDS, named) ? [COMMANDS[named]!] : Object.values(COMMANDS);
  for (const load of only) (await load())(program);
  return program;
}
