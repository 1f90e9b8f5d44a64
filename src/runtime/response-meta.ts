import type { Meta, SeldonMessage } from '../protocol/seldon-message.js';
import type { Component } from './component.js';
import type { UnitIdentity } from './unit-identity.js';

function nonEmpty<T extends object>(o: T): T | undefined {
  return Object.keys(o).length > 0 ? o : undefined;
}

/**
 * A component response's meta: the first request's puid, the requests'
 * tags and requestPath merged (then the component's own tags and this
 * unit's path entry), and the component's custom metrics.
 */
export function responseMeta(
  requests: (SeldonMessage | undefined)[],
  component: Component,
  unit: UnitIdentity,
): Meta {
  const meta: Meta = {};
  const puid = requests[0]?.meta?.puid;
  if (puid) meta.puid = puid;
  const tags: Record<string, unknown> = {};
  const requestPath: Record<string, string> = {};
  for (const r of requests) {
    Object.assign(tags, r?.meta?.tags);
    Object.assign(requestPath, r?.meta?.requestPath);
  }
  Object.assign(tags, component.tags?.());
  if (unit.id) requestPath[unit.id] = unit.image ?? '';
  const t = nonEmpty(tags);
  if (t) meta.tags = t;
  const metrics = component.metrics?.() ?? [];
  if (metrics.length > 0) meta.metrics = metrics;
  const rp = nonEmpty(requestPath);
  if (rp) meta.requestPath = rp;
  return meta;
}
