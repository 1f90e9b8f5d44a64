/**
 * Compile-time findings. Compilers never throw on bad input: they return
 * diagnostics and leave the offending resource out (as Emissary posts errors
 * on a resource and compiles the rest).
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** Stable machine code (SDEP_ prefix), declared in its folder's codes.ts and listed in docs/errors.md. */
  code: string;
  severity: Severity;
  /** Which resource: `file.yaml#0 SeldonDeployment default/mymodel`, or a Mapping name. */
  resource: string;
  /** Field path inside the resource, e.g. `spec.predictors[1].traffic`; '' for the whole resource. */
  path: string;
  message: string;
}

export function isError(d: Diagnostic): boolean {
  return d.severity === 'error';
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some(isError);
}

/** One line for terminals and logs: `resource: path: message [CODE]`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.path ? `${d.resource}: ${d.path}` : d.resource;
  return `${d.severity}: ${where}: ${d.message} [${d.code}]`;
}

/** Builds a field path from segments: ['spec', 'predictors', 1, 'traffic'] → `spec.predictors[1].traffic`. */
export function fieldPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}
