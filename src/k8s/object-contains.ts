/**
 * Is every field we want already in what the API server holds? The server
 * adds defaults (and others add fields), so observed may have more; it may
 * also canonicalise quantities (`0.5` → `500m`). Lists must match in length.
 * Pure.
 */
import { sameQuantity } from './quantity.js';

export function contains(observed: unknown, desired: unknown): boolean {
  if (desired === undefined) return true;
  if (Array.isArray(desired)) {
    if (!Array.isArray(observed) || observed.length !== desired.length) return false;
    return desired.every((d, i) => contains(observed[i], d));
  }
  if (desired !== null && typeof desired === 'object') {
    if (observed === null || typeof observed !== 'object' || Array.isArray(observed)) return false;
    const o = observed as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).every(([k, v]) => contains(o[k], v));
  }
  if (observed === desired) return true;
  return (typeof desired === 'string' || typeof desired === 'number') && sameQuantity(observed, desired);
}
