/**
 * The real compile steps behind `sdep serve`: files → documents
 * (SeldonDeployments and hand-written Mappings) → compiled Mappings →
 * RouteTable. Backend service names are the compiler's own (including the
 * `seldon.io/svc-name` override), so units back exactly the `service`s the
 * Mappings name.
 */
import { compileAll, compileDeployment, GRPC_PORT, loadMappings, REST_PORT } from '../ambassador/index.js';
import type { DeploymentSpec, PredictorSpec } from '../api/deployment-spec.js';
import { deploymentsFromDocuments, readResourceFiles, unreadableDiagnostic } from '../api/index.js';
import { buildRouteTable } from '../routing/index.js';
import type { Pipeline } from './controller.js';
import type { ServiceNaming } from './desired-units.js';
import { unrunnableDiagnostics } from './local-runnable.js';

export interface ServePipelineOptions {
  singleNamespace: boolean;
  ambassadorId: string;
}

export function createServePipeline(opts: ServePipelineOptions): Pipeline {
  const compileOpts = { singleNamespace: opts.singleNamespace };
  // memoised per spec object: the compiler is pure, and specs are immutable
  const servicesOf = new WeakMap<DeploymentSpec, Map<string, string>>();
  const naming: ServiceNaming = {
    restPort: REST_PORT,
    grpcPort: GRPC_PORT,
    serviceName(d: DeploymentSpec, p: PredictorSpec): string {
      let byPredictor = servicesOf.get(d);
      if (!byPredictor) {
        byPredictor = new Map();
        for (const s of compileDeployment(d, compileOpts).config.services ?? []) {
          const o = s.origin as { predictor?: string; explainer?: boolean };
          if (o.predictor !== undefined && !o.explainer) byPredictor.set(o.predictor, s.name);
        }
        servicesOf.set(d, byPredictor);
      }
      return byPredictor.get(p.name) ?? `${d.name}-${p.name}`;
    },
  };
  return {
    naming,
    async load(paths) {
      const read = await readResourceFiles(paths);
      const deployments = deploymentsFromDocuments(read.documents);
      const handWritten = loadMappings(read.documents);
      return {
        specs: deployments.specs,
        mappings: handWritten.mappings,
        diagnostics: [
          ...read.unreadable.map(unreadableDiagnostic),
          ...read.diagnostics,
          ...deployments.diagnostics,
          ...handWritten.diagnostics,
          ...read.emptyFiles.map((file) => ({
            code: 'SDEP_LOCAL_FILE_EMPTY',
            severity: 'warning' as const,
            resource: file,
            path: '',
            message:
              'the file is empty (a write in progress?): whatever it served before keeps running; delete the file to remove its deployments',
          })),
        ],
        heldFiles: read.emptyFiles,
      };
    },
    compile(specs) {
      // what this machine cannot run is left out before compiling, so it gets no route either
      const local = specs.map((s) => ({ spec: s, diagnostics: unrunnableDiagnostics(s) }));
      const runnable = local.filter((l) => l.diagnostics.length === 0).map((l) => l.spec);
      const r = compileAll(runnable, compileOpts);
      return {
        mappings: r.config.mappings,
        diagnostics: [...local.flatMap((l) => l.diagnostics), ...r.diagnostics],
        included: r.deployments.filter((d) => d.included).map((d) => d.spec),
      };
    },
    buildTable(mappings) {
      return buildRouteTable(mappings, { ambassadorId: opts.ambassadorId });
    },
  };
}
