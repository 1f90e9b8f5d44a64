/**
 * Kubernetes name and label-value limits. Seldon Core shortens a name that
 * does not fit into `seldon-<md5 hex>`; we do the same so objects keep the
 * names a Seldon user would expect and stay within 63 characters. Pure.
 */
import { createHash } from 'node:crypto';

/** DNS-1123 label and label-value limit. */
export const MAX_NAME = 63;

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** `name` when it fits in 63 characters, else `seldon-<md5 of name>` (39 characters). */
export function shortName(name: string): string {
  return name.length <= MAX_NAME ? name : `seldon-${md5(name)}`;
}

/** A label value (≤ 63 characters, alphanumeric at both ends): shortened like names. */
export function labelValue(value: string): string {
  return shortName(value);
}

/** A container or port name suffix limited to `max` characters (port names allow 15). */
export function truncated(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = md5(name).slice(0, 5);
  return `${name.slice(0, max - 6).replace(/-+$/, '')}-${hash}`;
}
