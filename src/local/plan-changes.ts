/**
 * Running instances vs desired units → what to start, stop and keep. Pure.
 * An instance is identified by unit id + content hash: a changed spec gives
 * a new instance to start while the old one stops (rolling, once the new
 * one is ready: the caller orders that).
 */
import { instanceKey, type Unit } from './unit.js';

export interface RunningInstance {
  id: string;
  hash: string;
}

export interface Plan<R extends RunningInstance> {
  start: Unit[];
  stop: R[];
  keep: R[];
}

export function planChanges<R extends RunningInstance>(
  current: readonly R[],
  desired: readonly Unit[],
): Plan<R> {
  const want = new Map(desired.map((u) => [instanceKey(u), u]));
  const have = new Set(current.map(instanceKey));
  const plan: Plan<R> = { start: [], stop: [], keep: [] };
  for (const r of current) (want.has(instanceKey(r)) ? plan.keep : plan.stop).push(r);
  for (const [key, u] of want) if (!have.has(key)) plan.start.push(u);
  return plan;
}
