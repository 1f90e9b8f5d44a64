import { Command } from 'commander';
import { registerGatewayCommand } from './gateway-command.js';
import { registerMicroserviceCommand } from './microservice-command.js';
import { registerOperatorCommand } from './operator-command.js';
import { registerPredictCommand } from './predict-command.js';
import { registerRenderCommand } from './render-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerStatusCommand } from './status-command.js';
import { registerUnitCommand } from './unit-command.js';
import { registerValidateCommand } from './validate-command.js';

/** The `sdep` command tree. Each subcommand lives in its own file and registers itself here. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('sdep')
    .description('Serve SeldonDeployments through an Ambassador-compatible gateway')
    .version('0.1.0');
  registerServeCommand(program);
  registerPredictCommand(program);
  registerStatusCommand(program);
  registerUnitCommand(program);
  registerGatewayCommand(program);
  registerMicroserviceCommand(program);
  registerValidateCommand(program);
  registerRenderCommand(program);
  registerOperatorCommand(program);
  return program;
}
