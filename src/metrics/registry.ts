/** The process's Prometheus registry: one per gateway/serve process, with Node's default metrics. */
import { collectDefaultMetrics, Registry } from 'prom-client';

export interface RegistryOptions {
  /** Add prom-client's process/runtime metrics (default true). */
  defaultMetrics?: boolean;
  /** Prefix for the default metrics (default `sdep_`). */
  prefix?: string;
}

export function createRegistry(opts: RegistryOptions = {}): Registry {
  const registry = new Registry();
  if (opts.defaultMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: opts.prefix ?? 'sdep_' });
  return registry;
}
