/** spec.protocol as written → sdep's Protocol: `kfserving` is Seldon's older name for v2; unset is seldon. */
import type { Protocol } from './deployment-spec.js';

export function normalizeProtocol(p: string | undefined): Protocol {
  if (p === 'kfserving' || p === 'v2') return 'v2';
  if (p === 'tensorflow') return 'tensorflow';
  return 'seldon';
}
