/**
 * Mapping[] → RouteTable, as Emissary builds its IR: keep the Mappings of
 * this ambassador_id, group them by match, normalise weights, pick the
 * shadow, check group-wide settings, order the groups. Pure: bad Mappings
 * become diagnostics and are left out; the rest still route.
 */
import type { Mapping } from '../ambassador/mapping.js';
import type { Diagnostic, Severity } from '../core/diagnostic.js';
import { ClusterRegistry, groupSettingsDiffer } from './cluster-spec.js';
import type { RoutingCode } from './codes.js';
import { type CompiledMatch, compileMatch } from './compile-match.js';
import { precompile } from './match-route.js';
import { isValidWeight, normalizeWeights } from './normalize-weights.js';
import { retrySpecFor } from './retry-spec.js';
import type { MirrorSpec, RetrySpec, Route, RouteTable, WeightedTarget } from './route-table.js';
import { orderByWeight } from './route-weight.js';

export interface BuildOptions {
  /** This instance's id (`--ambassador-id`); Mappings without one belong to `default`. */
  ambassadorId: string;
}

export const DEFAULT_TIMEOUT_MS = 3000;

/** `name.namespace` as Ambassador names resources; plain `name` without a namespace. */
export function mappingId(m: Mapping): string {
  return m.namespace ? `${m.name}.${m.namespace}` : m.name;
}

export function belongsTo(m: Mapping, ambassadorId: string): boolean {
  const ids: unknown = m.ambassador_id;
  if (ids === undefined || ids === null) return ambassadorId === 'default';
  if (typeof ids === 'string') return ids === ambassadorId;
  return Array.isArray(ids) && (ids.length === 0 ? ambassadorId === 'default' : ids.includes(ambassadorId));
}

function resourceOf(m: Mapping): string {
  const o = m.origin;
  const from = o ? ` (from ${o.source.file}#${o.source.index} ${o.resource})` : '';
  return `Mapping ${mappingId(m)}${from}`;
}

function byName(a: Mapping, b: Mapping): number {
  const x = mappingId(a);
  const y = mappingId(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

interface Group {
  key: string;
  match: CompiledMatch;
  members: Mapping[];
}

export function buildRouteTable(mappings: readonly Mapping[], opts: BuildOptions): RouteTable {
  const diagnostics: Diagnostic[] = [];
  const report = (severity: Severity, code: RoutingCode, m: Mapping, path: string, message: string) =>
    diagnostics.push({ code, severity, resource: resourceOf(m), path, message });

  const seen = new Set<string>();
  const groups = new Map<string, Group>();
  for (const m of mappings) {
    if (!belongsTo(m, opts.ambassadorId)) continue;
    const id = mappingId(m);
    if (seen.has(id)) {
      report(
        'error',
        'SDEP_ROUTE_DUPLICATE_MAPPING',
        m,
        '',
        `another Mapping is already named ${id}; this one is left out`,
      );
      continue;
    }
    seen.add(id);
    if (typeof m.prefix !== 'string' || m.prefix === '') {
      report('error', 'SDEP_ROUTE_MAPPING_INVALID', m, 'prefix', 'prefix is missing or empty');
      continue;
    }
    if (typeof m.service !== 'string' || m.service === '') {
      report('error', 'SDEP_ROUTE_MAPPING_INVALID', m, 'service', 'service is missing or empty');
      continue;
    }
    const match = compileMatch(m);
    if (match.findings.length > 0) {
      for (const f of match.findings)
        report('error', 'SDEP_ROUTE_REGEX_INVALID', m, f.path, `${f.message}; Mapping left out`);
      continue;
    }
    const g = groups.get(match.key);
    if (g) g.members.push(m);
    else groups.set(match.key, { key: match.key, match, members: [m] });
  }

  const ordered = orderByWeight([...groups.values()], (g) => g.match.weight);
  const clusters = new ClusterRegistry();
  const routes: Route[] = [];
  for (const g of ordered) {
    const route = buildGroup(g, clusters, report);
    if (route) routes.push(route);
  }
  const table: RouteTable = {
    ambassadorId: opts.ambassadorId,
    routes,
    clusters: clusters.clusters,
    diagnostics,
  };
  precompile(table);
  return table;
}

type Report = (severity: Severity, code: RoutingCode, m: Mapping, path: string, message: string) => void;

function buildGroup(g: Group, clusters: ClusterRegistry, report: Report): Route | undefined {
  const members = [...g.members].sort(byName);
  const shadows = members.filter((m) => m.shadow === true);
  let primaries = members.filter((m) => m.shadow !== true);

  primaries = primaries.filter((m) => {
    if (m.weight === undefined || isValidWeight(m.weight)) return true;
    report(
      'error',
      'SDEP_ROUTE_WEIGHT_INVALID',
      m,
      'weight',
      `invalid weight ${String(m.weight)}: must be 0–100; Mapping left out`,
    );
    return false;
  });
  const reference = primaries[0];
  if (reference) {
    primaries = primaries.filter((m) => {
      const differ = m === reference ? [] : groupSettingsDiffer(reference, m);
      if (differ.length === 0) return true;
      report(
        'error',
        'SDEP_ROUTE_GROUP_MISMATCH',
        m,
        differ[0]!,
        `${differ.join(', ')} differ${differ.length === 1 ? 's' : ''} from Mapping ${mappingId(reference)} of the same group (prefix ${g.match.spec.prefix}); a group shares these settings, so this Mapping is left out`,
      );
      return false;
    });
  }
  const validShadows = shadows.filter((m) => {
    if (m.weight === undefined || isValidWeight(m.weight)) return true;
    report(
      'error',
      'SDEP_ROUTE_WEIGHT_INVALID',
      m,
      'weight',
      `invalid shadow weight ${String(m.weight)}: must be 0–100; Mapping left out`,
    );
    return false;
  });
  if (primaries.length === 0) {
    for (const s of validShadows) {
      report(
        'warning',
        'SDEP_ROUTE_SHADOW_ORPHAN',
        s,
        '',
        `shadow Mapping matches no non-shadow Mapping (prefix ${s.prefix}); it mirrors nothing`,
      );
    }
    return undefined;
  }

  const weights = normalizeWeights(primaries.map((m) => ({ name: mappingId(m), weight: m.weight })));
  if (!weights.ok) {
    // 'invalid' cannot happen (filtered above); 'sum' rejects the whole group rather than guess.
    const total = weights.reason === 'sum' ? weights.total : NaN;
    for (const m of [...primaries, ...validShadows]) {
      report(
        'error',
        'SDEP_ROUTE_WEIGHT_SUM',
        m,
        m.shadow === true ? '' : 'weight',
        `weights of the Mappings with prefix ${g.match.spec.prefix} total ${total}, over 100; the group is left out`,
      );
    }
    return undefined;
  }
  if (weights.unroutedPercent > 0) {
    report(
      'warning',
      'SDEP_ROUTE_UNROUTED',
      primaries[primaries.length - 1]!,
      'weight',
      `weights of the Mappings with prefix ${g.match.spec.prefix} total ${100 - weights.unroutedPercent}; the other ${weights.unroutedPercent}% fall through to later routes or 404`,
    );
  }

  const byId = new Map(primaries.map((m) => [mappingId(m), m]));
  const targets: WeightedTarget[] = weights.order.map((id, i) => {
    const m = byId.get(id)!;
    const t: WeightedTarget = {
      mapping: id,
      cluster: clusters.clusterFor(m),
      cumulative: weights.cumulative[i]!,
      rewrite: rewriteOf(m),
      timeoutMs: m.timeout_ms ?? DEFAULT_TIMEOUT_MS,
    };
    if (m.idle_timeout_ms !== undefined) t.idleTimeoutMs = m.idle_timeout_ms;
    if (m.host_rewrite !== undefined) t.hostRewrite = m.host_rewrite;
    return t;
  });

  const route: Route = {
    // The target pinned to 100 (the primary, when a canary has a weight): stable while weights change.
    id: targets[targets.length - 1]!.mapping,
    match: g.match.spec,
    precedence: g.match.precedence,
    grpc: primaries.some((m) => m.grpc === true),
    targets,
    unroutedPercent: weights.unroutedPercent,
  };

  const [shadow, ...extra] = validShadows;
  for (const s of extra) {
    report(
      'error',
      'SDEP_ROUTE_SHADOW_EXTRA',
      s,
      'shadow',
      `the group with prefix ${g.match.spec.prefix} already has shadow Mapping ${mappingId(shadow!)}; only one shadow per group`,
    );
  }
  if (shadow) {
    const mirror: MirrorSpec = {
      mapping: mappingId(shadow),
      cluster: clusters.clusterFor(shadow),
      percent: shadow.weight ?? 100,
      rewrite: rewriteOf(shadow),
      timeoutMs: shadow.timeout_ms ?? DEFAULT_TIMEOUT_MS,
    };
    route.mirror = mirror;
  }

  const retry = retryOf(primaries, report);
  if (retry) route.retry = retry;
  return route;
}

/** Absent = Ambassador's default `/`; `""` = no rewrite. */
function rewriteOf(m: Mapping): string | null {
  if (m.rewrite === undefined) return '/';
  return m.rewrite === '' ? null : m.rewrite;
}

/** The last Mapping in name order that sets retry_policy wins (Emissary flattens the group in order). */
function retryOf(primaries: readonly Mapping[], report: Report): RetrySpec | undefined {
  for (let i = primaries.length - 1; i >= 0; i--) {
    const m = primaries[i]!;
    if (!m.retry_policy) continue;
    const r = retrySpecFor(m.retry_policy);
    if ('spec' in r) return r.spec;
    report('warning', 'SDEP_ROUTE_RETRY_INVALID', m, r.problem.path, r.problem.message);
    return undefined;
  }
  return undefined;
}
