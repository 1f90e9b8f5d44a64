/**
 * Which units a route table reaches. `sdep serve` is both the cluster and
 * one Ambassador instance: a predictor that no Mapping of this instance's
 * ambassador_id sends traffic to (as main, canary or shadow) would run for
 * nobody, so it gets no units. Pure; matches services the way the
 * EmbeddedResolver resolves them.
 */
import type { RouteTable } from '../routing/route-table.js';
import { bareService, normalizeService } from './embedded-resolver.js';
import type { Unit } from './unit.js';

/** Every service name the table's clusters may resolve through: as written and normalised. */
export function routedServices(table: RouteTable): Set<string> {
  const out = new Set<string>();
  for (const c of table.clusters.values()) {
    out.add(c.service);
    out.add(normalizeService(c.service));
  }
  return out;
}

/** True when the table reaches `service` (`svc.ns:port`) as written or in its bare `svc:port` form. */
export function isServiceRouted(service: string, services: ReadonlySet<string>): boolean {
  const bare = bareService(service);
  return services.has(service) || (bare !== undefined && services.has(bare));
}

export function isRouted(unit: Unit, services: ReadonlySet<string>): boolean {
  return unit.services.some((s) => isServiceRouted(s.service, services));
}

export function routedUnits(units: readonly Unit[], table: RouteTable): Unit[] {
  const services = routedServices(table);
  return units.filter((u) => isRouted(u, services));
}
