/**
 * What `sdep serve` writes for a unit process to start from: its resource
 * (the deployment reduced to the unit's predictor, unit-resource.ts) parsed,
 * validated and defaulted here, once, as the unit would have done itself.
 * The unit reads it with `--spec` and loads no validator (api/unit-spec.ts).
 */

import { parseDeployment } from '../api/parse-deployment.js';
import { unitSpecText } from '../api/unit-spec.js';
import { formatDiagnostic } from '../core/diagnostic.js';
import type { Unit } from './unit.js';

/** The unit spec file's text; `file` becomes the spec's source, as when the unit read the resource there. */
export function unitSpecFile(unit: Pick<Unit, 'id' | 'resource'>, file: string): string {
  const parsed = parseDeployment(unit.resource, { file, index: 0 });
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (parsed.spec === undefined || errors.length > 0) {
    // A resource is derived from a deployment that passed these same checks: this is a bug, said plainly.
    throw new Error(
      `unit ${unit.id}: its resource does not validate: ${errors.map(formatDiagnostic).join('; ') || 'no spec'}`,
    );
  }
  return unitSpecText(parsed.spec);
}
