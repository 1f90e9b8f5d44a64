/**
 * Annotation diagnostics for SeldonDeployments that api/ rejected: so one
 * `sdep validate` run names a bad `seldon.io/rest-timeout` or a malformed
 * `seldon.io/ambassador-config` alongside, say, a traffic sum error.
 */
import { annotationDiagnostics } from '../ambassador/compile.js';
import type { DeploymentSpec, ResourceDocument } from '../api/index.js';
import { isSeldonDeployment, labelFor } from '../api/index.js';
import type { Diagnostic } from '../core/diagnostic.js';

function stringRecord(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
}

function text(v: unknown, fallback: string): string {
  return typeof v === 'string' && v !== '' ? v : fallback;
}

export function rejectedAnnotationDiagnostics(
  documents: readonly ResourceDocument[],
  accepted: readonly DeploymentSpec[],
): Diagnostic[] {
  const ok = new Set(accepted.map((s) => `${s.source.file}#${s.source.index}`));
  const out: Diagnostic[] = [];
  for (const d of documents) {
    if (!isSeldonDeployment(d) || ok.has(`${d.source.file}#${d.source.index}`)) continue;
    const doc = (typeof d.doc === 'object' && d.doc !== null ? d.doc : {}) as {
      metadata?: { name?: unknown; namespace?: unknown; annotations?: unknown };
      spec?: { annotations?: unknown };
    };
    const name = text(doc.metadata?.name, '<unnamed>');
    const namespace = text(doc.metadata?.namespace, 'default');
    // spec.annotations win over metadata.annotations, as in api/'s defaulting
    const annotations = {
      ...stringRecord(doc.metadata?.annotations),
      ...stringRecord(doc.spec?.annotations),
    };
    // the label api/ gave this document's other diagnostics
    const resource = labelFor(d.doc, d.source);
    out.push(
      ...annotationDiagnostics(annotations, {
        resource,
        name,
        namespace,
        origin: { source: d.source, resource: `SeldonDeployment ${namespace}/${name}` },
      }).filter((x) => x.code !== 'SDEP_AMB_CONFIG_OVERRIDES'),
    );
  }
  return out;
}
