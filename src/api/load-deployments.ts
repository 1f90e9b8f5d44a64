/**
 * Resource documents → DeploymentSpecs: every SeldonDeployment document is
 * parsed; one that repeats an earlier namespace/name is left out with an
 * error (the first wins, as in a cluster where the name is the key).
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { DeploymentSpec } from './deployment-spec.js';
import { parseDeployment, SELDON_KIND } from './parse-deployment.js';
import { type ReadOptions, readResourceFiles, type Unreadable } from './resource-files.js';
import { parseResourceText, type ResourceDocument, type TextOptions } from './resource-text.js';

export interface LoadResult {
  specs: DeploymentSpec[];
  diagnostics: Diagnostic[];
}

export function isSeldonDeployment(d: Pick<ResourceDocument, 'kind'>): boolean {
  return d.kind === SELDON_KIND;
}

export function deploymentsFromDocuments(documents: readonly ResourceDocument[]): LoadResult {
  const specs: DeploymentSpec[] = [];
  const diagnostics: Diagnostic[] = [];
  const firstAt = new Map<string, string>();
  for (const d of documents) {
    if (!isSeldonDeployment(d)) continue;
    const r = parseDeployment(d.doc, d.source);
    diagnostics.push(...r.diagnostics);
    if (!r.spec) continue;
    const key = `${r.spec.namespace}/${r.spec.name}`;
    const first = firstAt.get(key);
    if (first !== undefined) {
      diagnostics.push({
        code: 'SDEP_DUPLICATE_DEPLOYMENT',
        severity: 'error',
        resource: `${d.source.file}#${d.source.index} SeldonDeployment ${key}`,
        path: 'metadata.name',
        message: `SeldonDeployment ${key} is already defined at ${first}; this one is ignored`,
      });
      continue;
    }
    firstAt.set(key, `${d.source.file}#${d.source.index}`);
    specs.push(r.spec);
  }
  return { specs, diagnostics };
}

/** Pure: SeldonDeployments in one text (YAML or JSON, several documents). */
export function parseDeploymentText(text: string, file: string, options: TextOptions = {}): LoadResult {
  const parsed = parseResourceText(text, file, options);
  const loaded = deploymentsFromDocuments(parsed.documents);
  return { specs: loaded.specs, diagnostics: [...parsed.diagnostics, ...loaded.diagnostics] };
}

export async function loadDeployments(
  paths: readonly string[],
  options: ReadOptions = {},
): Promise<LoadResult & { unreadable: Unreadable[] }> {
  const read = await readResourceFiles(paths, options);
  const loaded = deploymentsFromDocuments(read.documents);
  return {
    specs: loaded.specs,
    diagnostics: [...read.diagnostics, ...loaded.diagnostics],
    unreadable: read.unreadable,
  };
}
