/**
 * The embedded ServiceResolver: a Mapping `service` (`<svc>.<ns>:8000`,
 * `<svc>.<ns>:5001`) resolves to the ready units backing it. Rebuilt on
 * every change of the ready set; between changes `resolve` returns the same
 * array, in a stable order, so the gateway can round-robin over it.
 */
import type { Endpoint, ServiceResolver } from '../gateway/service-resolver.js';
import type { Unit } from './unit.js';
import type { UnitPorts } from './unit-process.js';

export interface ReadyUnit {
  unit: Unit;
  ports: UnitPorts;
}

const EMPTY: readonly Endpoint[] = Object.freeze([]);

/** `http://svc.ns.svc.cluster.local:8000` → `svc.ns:8000`: the forms a Mapping may use for the same Service. */
export function normalizeService(service: string): string {
  let s = service.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  s = s.replace(/\/.*$/, '');
  return s.replace(/\.svc(\.cluster\.local)?(?=:|$)/, '');
}

/**
 * `svc.ns:port` → `svc:port`: a bare service (no namespace) as Ambassador reads it in the
 * Mapping's own namespace; with no namespace at hand here, it matches that name in any namespace.
 */
export function bareService(service: string): string | undefined {
  const m = /^([^.:]+)\.[^.:]+:(\d+)$/.exec(service);
  return m ? `${m[1]}:${m[2]}` : undefined;
}

export function buildEndpointIndex(ready: readonly ReadyUnit[]): Map<string, Endpoint[]> {
  const index = new Map<string, Endpoint[]>();
  const add = (service: string, ep: Endpoint) => {
    const list = index.get(service);
    if (list) list.push(ep);
    else index.set(service, [ep]);
  };
  for (const { unit, ports } of ready) {
    for (const s of unit.services) {
      const ep: Endpoint =
        s.port === 'http'
          ? { host: '127.0.0.1', port: ports.http, grpcPort: ports.grpc }
          : { host: '127.0.0.1', port: ports.grpc, grpcPort: ports.grpc };
      add(s.service, ep);
      const bare = bareService(s.service);
      if (bare) add(bare, ep);
    }
  }
  for (const list of index.values()) Object.freeze(list);
  return index;
}

export class EmbeddedResolver implements ServiceResolver {
  #index = new Map<string, Endpoint[]>();
  #signature = '';
  readonly #listeners = new Set<() => void>();

  /** Replace the ready set; listeners hear about it only when endpoints really changed. */
  update(ready: readonly ReadyUnit[]): void {
    const index = buildEndpointIndex(ready);
    const signature = JSON.stringify([...index.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
    if (signature === this.#signature) return;
    this.#index = index;
    this.#signature = signature;
    for (const l of this.#listeners) l();
  }

  resolve(service: string): readonly Endpoint[] {
    return this.#index.get(service) ?? this.#index.get(normalizeService(service)) ?? EMPTY;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** service → endpoints, for the status endpoint. */
  snapshot(): Record<string, readonly Endpoint[]> {
    return Object.fromEntries(this.#index);
  }
}
