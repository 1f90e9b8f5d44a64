/**
 * Per-request route selection. Matchers are compiled once per table (at
 * build, or on first use for a hand-made table) into closures that use
 * startsWith/=== where they can and allocate nothing per request beyond the
 * result (query strings are parsed only if some route matches on them).
 */
import type { HeaderMatch, QueryMatch, Route, RouteTable, WeightedTarget } from './route-table.js';

export interface MatchRequest {
  /** Upper-case method. */
  method: string;
  /** Path without the query string. */
  path: string;
  /** Host / :authority as received (port allowed). */
  authority: string;
  /** Header lookup by lower-case name. */
  headers: (name: string) => string | undefined;
  /** Raw query string without `?` ('' when none). */
  query: string;
}

export interface RouteMatch {
  route: Route;
  target: WeightedTarget;
}

/** Parsed query, shared by the routes of one request. */
interface QueryCache {
  raw: string;
  params: URLSearchParams | undefined;
}

type Predicate = (req: MatchRequest, q: QueryCache) => boolean;

interface CompiledRoute {
  route: Route;
  test: Predicate;
}

interface CompiledTable {
  routes: CompiledRoute[];
  /** Some route matches on query parameters: only then is a per-request query cache made. */
  needsQuery: boolean;
}

const compiled = new WeakMap<RouteTable, CompiledTable>();
/** Handed to predicates when no route reads the query; never written to. */
const NO_QUERY: QueryCache = Object.freeze({ raw: '', params: undefined }) as QueryCache;

function compileTable(table: RouteTable): CompiledTable {
  const pathRegexes = new Map<string, PathRegex>();
  return {
    routes: table.routes.map((r) => compileRoute(r, pathRegexes)),
    needsQuery: table.routes.some((r) => r.match.query.length > 0),
  };
}

export function precompile(table: RouteTable): void {
  if (!compiled.has(table)) compiled.set(table, compileTable(table));
}

function compiledFor(table: RouteTable): CompiledTable {
  let c = compiled.get(table);
  if (!c) {
    c = compileTable(table);
    compiled.set(table, c);
  }
  return c;
}

/**
 * First route (in table order) whose match holds and whose weighted targets
 * take `draw` (uniform in [0, 100)). A draw in a route's unrouted share falls
 * through to later routes, as Envoy's per-Mapping runtime fractions do.
 */
export function matchRoute(table: RouteTable, req: MatchRequest, draw: number): RouteMatch | undefined {
  const c0 = compiledFor(table);
  const routes = c0.routes;
  const q: QueryCache = c0.needsQuery ? { raw: req.query, params: undefined } : NO_QUERY;
  for (let i = 0; i < routes.length; i++) {
    const c = routes[i]!;
    if (!c.test(req, q)) continue;
    const target = pickTarget(c.route, draw);
    if (target) return { route: c.route, target };
  }
  return undefined;
}

/** The target whose cumulative slice holds `draw`; undefined = unrouted share. */
export function pickTarget(route: Route, draw: number): WeightedTarget | undefined {
  const ts = route.targets;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (draw < t.cumulative) return t;
  }
  return undefined;
}

/** Mirror this request? `draw` is a separate uniform draw in [0, 100). */
export function shouldMirror(route: Route, draw: number): boolean {
  return route.mirror !== undefined && draw < route.mirror.percent;
}

/**
 * A path regex shared by every route with the same source (all Seldon gRPC
 * Mappings use one), remembering its last answer: routes are tried in order
 * within one synchronous call, so a request pays for each distinct regex once.
 */
class PathRegex {
  readonly re: RegExp;
  private lastPath: string | undefined;
  private last = false;
  constructor(re: RegExp) {
    this.re = re;
  }
  test(path: string): boolean {
    if (path === this.lastPath) return this.last;
    const qi = path.indexOf('?');
    this.last = this.re.test(qi < 0 ? path : path.slice(0, qi));
    this.lastPath = path;
    return this.last;
  }
}

/** Cheap tests first (method, prefix, exact headers), regexes last. */
function compileRoute(route: Route, pathRegexes: Map<string, PathRegex>): CompiledRoute {
  const preds: Predicate[] = [];
  const m = route.match;
  if (m.method !== undefined) {
    const method = m.method;
    preds.push((req) => req.method === method);
  }
  if (!m.regex) {
    const prefix = m.prefix;
    preds.push((req) => req.path.startsWith(prefix));
  }
  const regexHeaders: Predicate[] = [];
  for (const h of m.headers) {
    if (h.name === ':authority') preds.push(authorityPredicate(h));
    else if (h.kind === 'regex') regexHeaders.push(headerPredicate(h));
    else preds.push(headerPredicate(h));
  }
  preds.push(...regexHeaders);
  if (m.regex) {
    const key = `${m.regex.source}/${m.regex.flags}`;
    let shared = pathRegexes.get(key);
    if (!shared) {
      shared = new PathRegex(m.regex);
      pathRegexes.set(key, shared);
    }
    const pr = shared;
    preds.push((req) => pr.test(req.path));
  }
  for (const qm of m.query) preds.push(queryPredicate(qm));
  return { route, test: combine(preds) };
}

function combine(preds: Predicate[]): Predicate {
  if (preds.length === 1) return preds[0]!;
  if (preds.length === 2) {
    const [a, b] = preds as [Predicate, Predicate];
    return (r, q) => a(r, q) && b(r, q);
  }
  return (r, q) => {
    for (let i = 0; i < preds.length; i++) if (!preds[i]!(r, q)) return false;
    return true;
  };
}

function valuePredicate(m: HeaderMatch | QueryMatch): (v: string | null | undefined) => boolean {
  if (m.kind === 'present') return (v) => v !== undefined && v !== null;
  if (m.kind === 'exact') {
    const want = m.value ?? '';
    return (v) => v === want;
  }
  const re = m.regex ?? new RegExp(`^(?:${m.value ?? ''})$`);
  return (v) => v !== undefined && v !== null && re.test(v);
}

function headerPredicate(h: HeaderMatch): Predicate {
  const name = h.name;
  const ok = valuePredicate(h);
  return (req) => ok(req.headers(name));
}

/** Host without its port (`[v6]:port` kept bracketed). */
function hostPart(authority: string): string {
  const colon = authority.lastIndexOf(':');
  if (colon < 0 || authority.indexOf(']', colon) >= 0) return authority;
  return authority.slice(0, colon);
}

/** Host match is case-insensitive; the port is ignored unless the pattern names one. */
function authorityPredicate(h: HeaderMatch): Predicate {
  if (h.kind === 'present') return () => true;
  const pattern = (h.value ?? '').toLowerCase();
  const withPort = pattern.includes(':');
  if (h.kind === 'exact') {
    return (req) => {
      const a = req.authority;
      if (a === pattern) return true;
      const host = withPort ? a : hostPart(a);
      return host.length === pattern.length && host.toLowerCase() === pattern;
    };
  }
  const re = h.regex!;
  return (req) => re.test((withPort ? req.authority : hostPart(req.authority)).toLowerCase());
}

function queryPredicate(qm: QueryMatch): Predicate {
  const name = qm.name;
  const ok = valuePredicate(qm);
  return (_req, q) => {
    if (q.params === undefined) q.params = new URLSearchParams(q.raw);
    return ok(q.params.get(name));
  };
}
