/**
 * `sdep render <file|dir>...`: SeldonDeployments (and any Mapping documents
 * among the inputs) → Ambassador configuration as YAML on stdout. Diagnostics
 * go to stderr; a deployment with an error is left out of the output (as
 * Ambassador leaves out a bad resource) and the exit code is 1.
 */
import { type Command, Option } from 'commander';
import { RENDER_FORMATS, type RenderFormat, renderAmbassador } from '../ambassador/index.js';
import { compileInputs, reportProblems } from './validate-command.js';

export function registerRenderCommand(program: Command): void {
  program
    .command('render')
    .description(
      'print the Ambassador configuration for SeldonDeployments as YAML (stdout; diagnostics on stderr). ' +
        'Formats: v2 (default) = getambassador.io/v2 Mapping and TLSContext CRDs, what Seldon Core creates ' +
        'with AMBASSADOR_VERSION=v2 (Ambassador 1.x, Emissary 2-3); v3alpha1 = Emissary 2.x-4.x CRDs ' +
        '(hostname "*", list ambassador_id); ambassador-v1 = predictor Services carrying the ' +
        'getambassador.io/config annotation (Ambassador 1.x only). Exit 0 ok, 1 errors (bad deployments are ' +
        'left out of the output), 2 unreadable paths',
    )
    .argument('<paths...>', 'YAML/JSON files or directories (read recursively)')
    .addOption(new Option('--format <format>', 'output form').choices([...RENDER_FORMATS]).default('v2'))
    .option(
      '--single-namespace',
      'also generate the /seldon/<name>/ Mappings (Seldon singleNamespace=true)',
      false,
    )
    .option('--ambassador-id <id>', 'set ambassador_id on every Mapping and TLSContext')
    .action(
      async (
        paths: string[],
        opts: { format: RenderFormat; singleNamespace: boolean; ambassadorId?: string },
      ) => {
        const inputs = await compileInputs(paths, opts.singleNamespace);
        const code = reportProblems(inputs, process.stderr);
        if (code !== 2) {
          const yaml = renderAmbassador(inputs.config, {
            format: opts.format,
            ambassadorId: opts.ambassadorId,
          });
          process.stdout.write(yaml);
        }
        process.exitCode = code;
      },
    );
}
