/**
 * `sdep render <file|dir>...`: SeldonDeployments (and any Mapping documents
 * among the inputs) → Ambassador configuration as YAML on stdout. Diagnostics
 * go to stderr; a deployment with an error is left out of the output (as
 * Ambassador leaves out a bad resource) and the exit code is 1.
 *
 * `sdep render --k8s <file|dir>...`: every Kubernetes object the operator
 * would apply for those deployments (ConfigMap, Deployment, Service per
 * predictor; Mapping/TLSContext resources with --ambassador-api v2|v3alpha1),
 * ready for `kubectl apply -f -`.
 */
import { type Command, Option } from 'commander';
import { RENDER_FORMATS, type RenderFormat, renderAmbassador } from '../ambassador/index.js';
import { deploymentsFromDocuments, readResourceFiles } from '../api/index.js';
import { type Diagnostic, formatDiagnostic, hasErrors } from '../core/diagnostic.js';
import {
  AMBASSADOR_APIS,
  type AmbassadorApi,
  DEFAULT_IMAGE,
  defaultK8sOptions,
  renderKubernetes,
} from '../k8s/index.js';
import { compileInputs, reportProblems } from './validate-command.js';

export const IMAGE_PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
export type ImagePullPolicy = (typeof IMAGE_PULL_POLICIES)[number];

interface RenderFlags {
  format: RenderFormat;
  singleNamespace: boolean;
  ambassadorId?: string;
  k8s: boolean;
  ambassadorApi: AmbassadorApi;
  image: string;
  imagePullPolicy?: ImagePullPolicy;
}

/** `--k8s`: the objects as YAML on stdout; returns the exit code (0, 1 errors, 2 unreadable). */
async function renderK8s(paths: readonly string[], flags: RenderFlags): Promise<number> {
  const read = await readResourceFiles(paths);
  const deployments = deploymentsFromDocuments(read.documents);
  const rendered = renderKubernetes(
    deployments.specs,
    defaultK8sOptions({
      ambassadorApi: flags.ambassadorApi,
      image: flags.image,
      singleNamespace: flags.singleNamespace,
      ...(flags.imagePullPolicy ? { imagePullPolicy: flags.imagePullPolicy } : {}),
    }),
  );
  const diagnostics: Diagnostic[] = [
    ...read.diagnostics,
    ...deployments.diagnostics,
    ...rendered.diagnostics,
  ];
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  for (const u of read.unreadable) process.stderr.write(`error: cannot read ${u.path}: ${u.reason}\n`);
  if (read.unreadable.length > 0) return 2;
  process.stdout.write(rendered.yaml);
  if (hasErrors(diagnostics)) return 1;
  if (deployments.specs.length === 0) {
    process.stderr.write('error: no SeldonDeployment found in the given paths\n');
    return 1;
  }
  return 0;
}

export function registerRenderCommand(program: Command): void {
  program
    .command('render')
    .description(
      'print the Ambassador configuration for SeldonDeployments as YAML (stdout; diagnostics on stderr). ' +
        'Formats: v2 (default) = getambassador.io/v2 Mapping and TLSContext CRDs, what Seldon Core creates ' +
        'with AMBASSADOR_VERSION=v2 (Ambassador 1.x, Emissary 2-3); v3alpha1 = Emissary 2.x-4.x CRDs ' +
        '(hostname "*", list ambassador_id); ambassador-v1 = predictor Services carrying the ' +
        'getambassador.io/config annotation (Ambassador 1.x only). With --k8s: every Kubernetes object the ' +
        'operator would apply (ConfigMap, Deployment and Service per predictor, plus Mapping/TLSContext ' +
        'resources with --ambassador-api v2|v3alpha1), for kubectl apply -f -. Exit 0 ok, 1 errors (bad ' +
        'deployments are left out of the output), 2 unreadable paths',
    )
    .argument('<paths...>', 'YAML/JSON files or directories (read recursively)')
    .addOption(new Option('--format <format>', 'output form').choices([...RENDER_FORMATS]).default('v2'))
    .option(
      '--single-namespace',
      'also generate the /seldon/<name>/ Mappings (Seldon singleNamespace=true)',
      false,
    )
    .option('--ambassador-id <id>', 'set ambassador_id on every Mapping and TLSContext (not with --k8s)')
    .option('--k8s', 'print the Kubernetes objects the operator would apply', false)
    .addOption(
      new Option(
        '--ambassador-api <api>',
        'with --k8s: v1 = getambassador.io/config annotation on each Service (Ambassador 1.x, as the seed ' +
          'installs it); v2 / v3alpha1 = Mapping and TLSContext resources',
      )
        .choices([...AMBASSADOR_APIS])
        .default('v1'),
    )
    .option('--image <image>', 'with --k8s: the sdep image of the executor container', DEFAULT_IMAGE)
    .addOption(
      new Option(
        '--image-pull-policy <policy>',
        'with --k8s: imagePullPolicy of the executor container',
      ).choices([...IMAGE_PULL_POLICIES]),
    )
    .action(async (paths: string[], opts: RenderFlags, cmd: Command) => {
      if (opts.k8s) {
        if (opts.ambassadorId !== undefined || cmd.getOptionValueSource('format') === 'cli') {
          process.stderr.write(
            'error: --format and --ambassador-id do not apply to --k8s (use --ambassador-api; ambassador_id ' +
              'comes from the seldon.io/ambassador-id annotation)\n',
          );
          process.exitCode = 2;
          return;
        }
        process.exitCode = await renderK8s(paths, opts);
        return;
      }
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
    });
}
