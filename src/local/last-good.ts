/**
 * Keep-last-good per input file: when an edit makes a file invalid, its
 * previously good deployments keep running (and the errors are reported);
 * a file that never loaded cleanly contributes whatever loaded from it. Pure.
 */
import type { DeploymentSpec } from '../api/deployment-spec.js';
import type { Diagnostic } from '../core/diagnostic.js';

/** The input file a diagnostic is about, when it names one of `files`. */
export function diagnosticFile(d: Diagnostic, files: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const f of files) {
    if (
      d.resource === f ||
      d.resource.startsWith(`${f}#`) ||
      d.resource.startsWith(`${f}:`) ||
      d.resource.startsWith(`${f} `)
    ) {
      if (!best || f.length > best.length) best = f;
    }
  }
  return best;
}

export interface MergeResult {
  specs: DeploymentSpec[];
  /** Files whose current content has errors and whose last good version is still running. */
  keptFiles: string[];
  /** The new last-good map to remember. */
  lastGood: Map<string, DeploymentSpec[]>;
}

export function mergeLastGood(
  loaded: readonly DeploymentSpec[],
  diagnostics: readonly Diagnostic[],
  lastGood: ReadonlyMap<string, readonly DeploymentSpec[]>,
  /** Files kept at their last good version whatever they hold now (see LoadResult.heldFiles). */
  held: ReadonlySet<string> = new Set(),
): MergeResult {
  const byFile = new Map<string, DeploymentSpec[]>();
  for (const s of loaded) {
    const list = byFile.get(s.source.file);
    if (list) list.push(s);
    else byFile.set(s.source.file, [s]);
  }
  // a stable order whether a file's specs are new or kept (the compiler's conflict rule is order-based)
  const files = [...new Set([...byFile.keys(), ...lastGood.keys()])].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const broken = new Set<string>(held);
  for (const d of diagnostics) {
    if (d.severity !== 'error') continue;
    const f = diagnosticFile(d, files);
    if (f) broken.add(f);
  }
  const next = new Map<string, DeploymentSpec[]>();
  const keptFiles: string[] = [];
  for (const f of files) {
    const prev = lastGood.get(f);
    if (broken.has(f) && prev) {
      next.set(f, [...prev]);
      keptFiles.push(f);
    } else if (byFile.has(f)) next.set(f, byFile.get(f) ?? []);
    // a file that vanished (no specs, no errors) is dropped: its deployments stop
  }
  const specs = [...next.values()].flat();
  return { specs, keptFiles, lastGood: next };
}
