/**
 * A Mapping's match → RouteMatchSpec (regexes compiled once), the group key
 * (Mappings with equal keys form one group) and the route weight. Bad
 * regexes come back as findings, never as throws.
 */
import type { Mapping } from '../ambassador/mapping.js';
import type { HeaderMatch, QueryMatch, RouteMatchSpec } from './route-table.js';
import { type KeyValueMatch, type RouteWeight, routeWeight } from './route-weight.js';

export interface MatchFinding {
  path: string;
  message: string;
}

export interface CompiledMatch {
  spec: RouteMatchSpec;
  key: string;
  weight: RouteWeight;
  precedence: number;
  findings: MatchFinding[];
}

/** Full-match regex (Envoy safe_regex semantics: the whole value must match). */
export function fullMatchRegex(source: string, flags = ''): RegExp | string {
  try {
    return new RegExp(`^(?:${source})$`, flags);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `host`/`hostname` → `:authority` match; `*` is a wildcard (any run of characters). */
export function hostMatch(host: string): HeaderMatch {
  if (host === '*') return { name: ':authority', kind: 'present', value: host };
  if (!host.includes('*')) return { name: ':authority', kind: 'exact', value: host.toLowerCase() };
  const source = host.toLowerCase().split('*').map(escapeRegex).join('.*');
  return { name: ':authority', kind: 'regex', value: host, regex: new RegExp(`^${source}$`) };
}

function sortedEntries<V>(r: Record<string, V> | undefined): [string, V][] {
  return r ? Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
}

export function compileMatch(m: Mapping): CompiledMatch {
  const findings: MatchFinding[] = [];
  const headers: HeaderMatch[] = [];
  const query: QueryMatch[] = [];
  const weightHeaders: KeyValueMatch[] = [];
  const weightQuery: KeyValueMatch[] = [];
  const host = m.hostname ?? m.host;
  const precedence = typeof m.precedence === 'number' && Number.isFinite(m.precedence) ? m.precedence : 0;

  const spec: RouteMatchSpec = { prefix: m.prefix, headers, query };
  if (m.prefix_regex) {
    const re = fullMatchRegex(m.prefix);
    if (typeof re === 'string') findings.push({ path: 'prefix', message: `invalid prefix_regex: ${re}` });
    else spec.regex = re;
  }
  if (m.method) spec.method = m.method.toUpperCase();

  if (host !== undefined) {
    headers.push(hostMatch(host));
    weightHeaders.push({ name: ':authority', value: host, regex: false });
  }
  if (spec.method) weightHeaders.push({ name: ':method', value: spec.method, regex: false });

  const plain = (
    field: 'headers' | 'query_parameters',
    out: (HeaderMatch | QueryMatch)[],
    wout: KeyValueMatch[],
  ) => {
    for (const [rawName, v] of sortedEntries(m[field])) {
      const name = field === 'headers' ? rawName.toLowerCase() : rawName;
      if (v === true) {
        out.push({ name, kind: 'present' });
        wout.push({ name, regex: false });
      } else if (v === false) {
        // `false` would mean "absent" in later Emissary; unsupported here: report, do not guess.
        findings.push({
          path: `${field}.${rawName}`,
          message: 'a header/query match of false is not supported',
        });
      } else {
        out.push({ name, kind: 'exact', value: String(v) });
        wout.push({ name, value: String(v), regex: false });
      }
    }
  };
  const regexes = (
    field: 'regex_headers' | 'regex_query_parameters',
    out: (HeaderMatch | QueryMatch)[],
    wout: KeyValueMatch[],
  ) => {
    for (const [rawName, v] of sortedEntries(m[field])) {
      const name = field === 'regex_headers' ? rawName.toLowerCase() : rawName;
      const re = fullMatchRegex(String(v));
      if (typeof re === 'string') {
        findings.push({ path: `${field}.${rawName}`, message: `invalid regex ${JSON.stringify(v)}: ${re}` });
        continue;
      }
      out.push({ name, kind: 'regex', value: String(v), regex: re });
      wout.push({ name, value: String(v), regex: true });
    }
  };
  plain('headers', headers, weightHeaders);
  regexes('regex_headers', headers, weightHeaders);
  plain('query_parameters', query, weightQuery);
  regexes('regex_query_parameters', query, weightQuery);

  const key = JSON.stringify([
    m.prefix,
    Boolean(m.prefix_regex),
    spec.method ?? null,
    host ?? null,
    headers.map((h) => [h.name, h.kind, h.value ?? null]),
    query.map((q) => [q.name, q.kind, q.value ?? null]),
    precedence,
  ]);
  const weight = routeWeight({
    precedence,
    prefix: m.prefix,
    method: spec.method,
    headers: weightHeaders,
    query: weightQuery,
  });
  return { spec, key, weight, precedence, findings };
}
