/**
 * `sdep validate <file|dir>...`: parse every SeldonDeployment (api/) and compile
 * it to Mappings (ambassador/), so annotation mistakes show too; hand-written
 * Ambassador documents among the inputs are checked as the gateway loads them.
 * Exit 0 when valid (warnings allowed), 1 on any error, 2 when a path is unreadable.
 */
import type { Command } from 'commander';
import { isAmbassadorApiVersion } from '../ambassador/ambassador-document.js';
import { type CompileAllResult, compileAll, type LoadedMappings, loadMappings } from '../ambassador/index.js';
import type { AmbassadorConfig } from '../ambassador/mapping.js';
import {
  deploymentsFromDocuments,
  type PredictorSpec,
  readResourceFiles,
  type Unreadable,
} from '../api/index.js';
import { type Diagnostic, formatDiagnostic, hasErrors } from '../core/diagnostic.js';
import { rejectedAnnotationDiagnostics } from './rejected-annotations.js';

export interface CompiledInputs {
  compiled: CompileAllResult;
  /** Mapping/TLSContext documents found among the inputs (hand-written or rendered). */
  loaded: LoadedMappings;
  /** Everything that routes: compiled deployments, then loaded Mappings. */
  config: AmbassadorConfig;
  diagnostics: Diagnostic[];
  unreadable: Unreadable[];
}

export async function compileInputs(
  paths: readonly string[],
  singleNamespace: boolean,
): Promise<CompiledInputs> {
  const read = await readResourceFiles(paths);
  const deployments = deploymentsFromDocuments(read.documents);
  const compiled = compileAll(deployments.specs, { singleNamespace });
  const ambassadorDocs = read.documents.filter(
    (d) =>
      isAmbassadorApiVersion(d.apiVersion) ||
      (d.apiVersion === 'v1' && d.kind === 'Service' && hasConfigAnnotation(d.doc)),
  );
  const loaded = loadMappings(ambassadorDocs);
  return {
    compiled,
    loaded,
    config: {
      mappings: [...compiled.config.mappings, ...loaded.mappings],
      tlsContexts: [...compiled.config.tlsContexts, ...loaded.tlsContexts],
      services: compiled.config.services,
    },
    diagnostics: [
      ...read.diagnostics,
      ...deployments.diagnostics,
      ...rejectedAnnotationDiagnostics(read.documents, deployments.specs),
      ...compiled.diagnostics,
      ...loaded.diagnostics,
    ],
    unreadable: read.unreadable,
  };
}

function hasConfigAnnotation(doc: unknown): boolean {
  const meta = (doc as { metadata?: { annotations?: Record<string, unknown> } } | null)?.metadata;
  return typeof meta?.annotations?.['getambassador.io/config'] === 'string';
}

function predictorSummary(p: PredictorSpec): string {
  const traffic = p.traffic === undefined ? '' : ` ${p.traffic}%`;
  return p.shadow ? `${p.name} (shadow${traffic})` : `${p.name}${traffic}`;
}

/** One line per valid deployment. */
export function validLines(inputs: CompiledInputs): string[] {
  const lines: string[] = [];
  for (const d of inputs.compiled.deployments) {
    if (!d.included) continue;
    const s = d.spec;
    const n = d.config.mappings.length;
    lines.push(
      `valid: SeldonDeployment ${s.namespace}/${s.name} (${s.source.file}): predictors ${s.predictors
        .map(predictorSummary)
        .join(', ')}; ${n} Mapping${n === 1 ? '' : 's'}`,
    );
  }
  const { mappings, tlsContexts } = inputs.loaded;
  if (mappings.length + tlsContexts.length > 0) {
    lines.push(
      `valid: ${mappings.length} Mapping(s) and ${tlsContexts.length} TLSContext(s) from Ambassador documents`,
    );
  }
  return lines;
}

/** Prints diagnostics and unreadable paths to stderr; returns the exit code (0, 1 errors, 2 unreadable). */
export function reportProblems(inputs: CompiledInputs, stderr: NodeJS.WritableStream): number {
  for (const d of inputs.diagnostics) stderr.write(`${formatDiagnostic(d)}\n`);
  for (const u of inputs.unreadable) stderr.write(`error: cannot read ${u.path}: ${u.reason}\n`);
  if (inputs.unreadable.length > 0) return 2;
  if (hasErrors(inputs.diagnostics)) return 1;
  if (inputs.compiled.deployments.length === 0 && inputs.config.mappings.length === 0) {
    stderr.write('error: no SeldonDeployment or Ambassador Mapping found in the given paths\n');
    return 1;
  }
  return 0;
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'check SeldonDeployments (and Ambassador Mapping documents) without running them: schema, semantics and ' +
        'the Mappings they compile to. Prints every diagnostic; exit 0 valid (warnings allowed), 1 errors, ' +
        '2 unreadable paths',
    )
    .argument('<paths...>', 'YAML/JSON files or directories (read recursively)')
    .option(
      '--single-namespace',
      'also generate the /seldon/<name>/ Mappings (Seldon singleNamespace=true)',
      false,
    )
    .action(async (paths: string[], opts: { singleNamespace: boolean }) => {
      const inputs = await compileInputs(paths, opts.singleNamespace);
      const code = reportProblems(inputs, process.stderr);
      for (const line of validLines(inputs)) process.stdout.write(`${line}\n`);
      process.exitCode = code;
    });
}
