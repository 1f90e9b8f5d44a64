/**
 * The closed Mapping schema: every field Ambassador/Emissary defines is known
 * here, so a typo (`prefx:`) is an error with its field path instead of a
 * silent no-op (the CRD schemas accept unknown fields; the API server prunes them).
 * Fields the IR models are type-checked; other valid Ambassador fields go to
 * `extra` with a warning, so render passes them through.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { fieldPath } from '../core/diagnostic.js';
import { closest } from './closest.js';
import type { CircuitBreaker, LoadBalancer, Mapping, RetryOn, RetryPolicy, TLSContext } from './mapping.js';

export interface FieldContext {
  resource: string;
  /** Path segments of the object being read (e.g. ['spec'] for a CRD). */
  path: readonly (string | number)[];
  diagnostics: Diagnostic[];
  /** Appended to messages, e.g. `in seldon.io/ambassador-config`. */
  where?: string;
}

const RETRY_ON: readonly RetryOn[] = [
  '5xx',
  'gateway-error',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
];
const LB_POLICIES: readonly LoadBalancer['policy'][] = [
  'round_robin',
  'least_request',
  'ring_hash',
  'maglev',
];

/** Fields of the flat (annotation) form that are not Mapping settings. */
export const FLAT_META_FIELDS = ['apiVersion', 'kind', 'name', 'namespace', 'generation'] as const;

/** Valid Ambassador Mapping fields the IR does not model (union of 1.14 v1/v2 and Emissary 3.10 v2/v3alpha1). */
export const OTHER_MAPPING_FIELDS = [
  'add_linkerd_headers',
  'add_request_headers',
  'add_response_headers',
  'allow_upgrade',
  'auth_context_extensions',
  'auto_host_rewrite',
  'bypass_auth',
  'bypass_error_response_overrides',
  'case_sensitive',
  'cluster_idle_timeout_ms',
  'cluster_max_connection_lifetime_ms',
  'cors',
  'dns_type',
  'docs',
  'enable_ipv4',
  'enable_ipv6',
  'envoy_override',
  'error_response_overrides',
  'health_checks',
  'host_redirect',
  'host_regex',
  'keepalive',
  'metadata_labels',
  'method_regex',
  'modules',
  'outlier_detection',
  'path_redirect',
  'prefix_exact',
  'prefix_redirect',
  'priority',
  'redirect_response_code',
  'regex_redirect',
  'regex_rewrite',
  'remove_request_headers',
  'remove_response_headers',
  'resolver',
  'respect_dns_ttl',
  'stats_name',
  'use_websocket',
  'v3StatsName',
  'v3health_checks',
  'v2ExplicitTLS',
] as const;

/** Emissary's v3alpha1 bookkeeping for v2 boolean matches: read, not kept. */
const BOOL_LIST_FIELDS = ['v2BoolHeaders', 'v2BoolQueryParameters'] as const;

type Reader = (value: unknown, c: Cursor) => unknown;

const IR_FIELDS: Record<string, Reader> = {
  prefix: str,
  prefix_regex: bool,
  rewrite: str,
  service: str,
  method: str,
  host: str,
  hostname: str,
  host_rewrite: hostValue,
  headers: (v, c) => strMap(v, c, true),
  regex_headers: (v, c) => strMap(v, c, false),
  query_parameters: (v, c) => strMap(v, c, true),
  regex_query_parameters: (v, c) => strMap(v, c, false),
  precedence: (v, c) => int(v, c, Number.MIN_SAFE_INTEGER),
  weight: (v, c) => int(v, c, 0, 100),
  shadow: bool,
  grpc: bool,
  timeout_ms: (v, c) => int(v, c, 0),
  idle_timeout_ms: (v, c) => int(v, c, 0),
  connect_timeout_ms: (v, c) => int(v, c, 0),
  retry_policy: retryPolicy,
  circuit_breakers: circuitBreakers,
  load_balancer: loadBalancer,
  ambassador_id: ambassadorId,
  tls: (v, c) => (typeof v === 'boolean' ? v : str(v, c)),
  cluster_tag: str,
  labels: (v, c) => (isObject(v) ? v : wrongType(c, 'an object')),
};

export const MAPPING_FIELDS: readonly string[] = [
  ...FLAT_META_FIELDS,
  ...Object.keys(IR_FIELDS),
  ...OTHER_MAPPING_FIELDS,
  ...BOOL_LIST_FIELDS,
];

export const TLS_CONTEXT_FIELDS = [
  ...FLAT_META_FIELDS,
  'hosts',
  'secret',
  'ambassador_id',
  'alpn_protocols',
  'ca_secret',
  'cacert_chain_file',
  'cert_chain_file',
  'cert_required',
  'cipher_suites',
  'crl_secret',
  'ecdh_curves',
  'is_fallback',
  'max_tls_version',
  'min_tls_version',
  'private_key_file',
  'redirect_cleartext_from',
  'secret_namespacing',
  'sni',
  'v3CRLSecret',
] as const;

class Cursor {
  failed = false;
  constructor(
    readonly ctx: FieldContext,
    readonly segments: readonly (string | number)[],
  ) {}
  at(...more: (string | number)[]): Cursor {
    const c = new Cursor(this.ctx, [...this.segments, ...more]);
    c.parent = this;
    return c;
  }
  parent?: Cursor;
  error(code: string, message: string): undefined {
    for (let c: Cursor | undefined = this; c; c = c.parent) c.failed = true;
    const where = this.ctx.where ? ` ${this.ctx.where}` : '';
    this.ctx.diagnostics.push({
      code,
      severity: 'error',
      resource: this.ctx.resource,
      path: fieldPath(this.segments),
      message: `${message}${where}`,
    });
    return undefined;
  }
  warn(code: string, message: string): void {
    const where = this.ctx.where ? ` ${this.ctx.where}` : '';
    this.ctx.diagnostics.push({
      code,
      severity: 'warning',
      resource: this.ctx.resource,
      path: fieldPath(this.segments),
      message: `${message}${where}`,
    });
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function wrongType(c: Cursor, want: string, v?: unknown): undefined {
  return c.error(
    'SDEP_MAPPING_FIELD_TYPE',
    `must be ${want}${v === undefined ? '' : `, got ${describe(v)}`}`,
  );
}

function str(v: unknown, c: Cursor): string | undefined {
  return typeof v === 'string' ? v : wrongType(c, 'a string', v);
}

/** A Host value: an authority's host[:port] characters, so it cannot split the upstream head. */
const HOST_VALUE = /^[A-Za-z0-9._~!$&'()*+,;=%:[\]-]+$/;

function hostValue(v: unknown, c: Cursor): string | undefined {
  const s = str(v, c);
  if (s === undefined || HOST_VALUE.test(s)) return s;
  return c.error('SDEP_MAPPING_FIELD_VALUE', `must be a host name with an optional port, got ${describe(s)}`);
}

function bool(v: unknown, c: Cursor): boolean | undefined {
  return typeof v === 'boolean' ? v : wrongType(c, 'a boolean', v);
}

function int(v: unknown, c: Cursor, min: number, max?: number): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v)) return wrongType(c, 'an integer', v);
  if (v < min || (max !== undefined && v > max)) {
    const range = max === undefined ? `>= ${min}` : `between ${min} and ${max}`;
    return c.error('SDEP_MAPPING_FIELD_VALUE', `must be ${range}, got ${v}`);
  }
  return v;
}

function strMap(v: unknown, c: Cursor, allowTrue: boolean) {
  if (!isObject(v)) return wrongType(c, 'an object of header/parameter names', v);
  const out: Record<string, string | boolean> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') out[k] = val;
    else if (allowTrue && val === true) out[k] = true;
    else wrongType(c.at(k), allowTrue ? 'a string or true' : 'a string', val);
  }
  return out;
}

function closedObject(
  v: unknown,
  c: Cursor,
  fields: Record<string, (x: unknown, c: Cursor) => unknown>,
): Record<string, unknown> | undefined {
  if (!isObject(v)) return wrongType(c, 'an object', v);
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    const read = fields[k];
    if (!read) {
      unknownField(c.at(k), k, Object.keys(fields));
      continue;
    }
    const r = read(val, c.at(k));
    if (r !== undefined) out[k] = r;
  }
  return out;
}

function retryPolicy(v: unknown, c: Cursor): RetryPolicy | undefined {
  return closedObject(v, c, {
    retry_on: (x, cc) =>
      typeof x === 'string' && (RETRY_ON as readonly string[]).includes(x)
        ? x
        : cc.error('SDEP_MAPPING_FIELD_VALUE', `must be one of ${RETRY_ON.join(', ')}, got ${describe(x)}`),
    num_retries: (x, cc) => int(x, cc, 0),
    per_try_timeout: str,
  }) as RetryPolicy | undefined;
}

function circuitBreakers(v: unknown, c: Cursor): CircuitBreaker[] | undefined {
  if (!Array.isArray(v)) return wrongType(c, 'a list of circuit breakers', v);
  return v.map(
    (item, i) =>
      closedObject(item, c.at(i), {
        priority: (x, cc) =>
          x === 'default' || x === 'high'
            ? x
            : cc.error('SDEP_MAPPING_FIELD_VALUE', `must be default or high, got ${describe(x)}`),
        max_connections: (x, cc) => int(x, cc, 0),
        max_pending_requests: (x, cc) => int(x, cc, 0),
        max_requests: (x, cc) => int(x, cc, 0),
        max_retries: (x, cc) => int(x, cc, 0),
      }) as CircuitBreaker,
  );
}

function loadBalancer(v: unknown, c: Cursor): LoadBalancer | undefined {
  if (!isObject(v)) return wrongType(c, 'an object', v);
  const policy = v.policy;
  if (policy === undefined) return c.at('policy').error('SDEP_MAPPING_FIELD_REQUIRED', 'is required');
  if (typeof policy !== 'string' || !(LB_POLICIES as readonly string[]).includes(policy)) {
    return c
      .at('policy')
      .error('SDEP_MAPPING_FIELD_VALUE', `must be one of ${LB_POLICIES.join(', ')}, got ${describe(policy)}`);
  }
  for (const k of Object.keys(v)) {
    if (k === 'policy') continue;
    if (['cookie', 'header', 'source_ip'].includes(k)) {
      c.at(k).warn(
        'SDEP_MAPPING_FIELD_UNSUPPORTED',
        `load_balancer.${k} is not implemented by the embedded gateway; ignored`,
      );
    } else unknownField(c.at(k), k, ['policy', 'cookie', 'header', 'source_ip']);
  }
  return { policy: policy as LoadBalancer['policy'] };
}

function ambassadorId(v: unknown, c: Cursor): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return wrongType(c, 'a string or a list of strings', v);
}

function unknownField(c: Cursor, name: string, known: readonly string[]): void {
  const guess = closest(name, known);
  const hint = guess ? ` (did you mean "${guess}"?)` : '';
  c.error('SDEP_MAPPING_UNKNOWN_FIELD', `unknown field "${name}"${hint}`);
}

/** Mapping fields read from a flat annotation document or a CRD `spec`. */
export interface MappingFields {
  mapping: Omit<Mapping, 'name'> & { name?: string };
  /** False when any error was reported: the Mapping is left out. */
  ok: boolean;
}

/**
 * Reads an object of Mapping fields. `flat` allows the annotation form's
 * apiVersion/kind/name/namespace at the same level.
 */
export function readMappingFields(
  obj: Record<string, unknown>,
  ctx: FieldContext,
  flat: boolean,
): MappingFields {
  const root = new Cursor(ctx, ctx.path);
  const known = flat
    ? MAPPING_FIELDS
    : MAPPING_FIELDS.filter((f) => !(FLAT_META_FIELDS as readonly string[]).includes(f));
  const m: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const c = root.at(k);
    if (flat && (FLAT_META_FIELDS as readonly string[]).includes(k)) {
      if ((k === 'name' || k === 'namespace') && str(v, c) !== undefined) m[k] = v;
      continue;
    }
    const read = IR_FIELDS[k];
    if (read) {
      const r = read(v, c);
      if (r !== undefined) m[k] = r;
    } else if ((OTHER_MAPPING_FIELDS as readonly string[]).includes(k)) {
      extra[k] = v;
      c.warn(
        'SDEP_MAPPING_FIELD_UNSUPPORTED',
        `"${k}" is not implemented by the embedded gateway; kept for render only`,
      );
    } else if (!(BOOL_LIST_FIELDS as readonly string[]).includes(k)) {
      unknownField(c, k, known);
    }
  }
  applyBoolLists(obj, m);
  if (flat && m.name === undefined) required(root, 'name');
  if (m.prefix === undefined && obj.prefix === undefined) required(root, 'prefix');
  if (m.service === undefined && obj.service === undefined) required(root, 'service');
  if (Object.keys(extra).length > 0) m.extra = extra;
  return { mapping: m as MappingFields['mapping'], ok: !root.failed };
}

function required(root: Cursor, field: string): void {
  root.at(field).error('SDEP_MAPPING_FIELD_REQUIRED', `"${field}" is required`);
}

/** v3alpha1 writes v2's `headers: {x: true}` as `headers: {x: "true"}` + `v2BoolHeaders: [x]`. */
function applyBoolLists(obj: Record<string, unknown>, m: Record<string, unknown>): void {
  const pairs = [
    ['v2BoolHeaders', 'headers'],
    ['v2BoolQueryParameters', 'query_parameters'],
  ] as const;
  for (const [list, field] of pairs) {
    const names = obj[list];
    const map = m[field] as Record<string, string | boolean> | undefined;
    if (!Array.isArray(names) || !map) continue;
    for (const n of names) if (typeof n === 'string' && map[n] === 'true') map[n] = true;
  }
}

export interface TLSContextFields {
  tls: Omit<TLSContext, 'name'> & { name?: string };
  ok: boolean;
}

export function readTLSContextFields(
  obj: Record<string, unknown>,
  ctx: FieldContext,
  flat: boolean,
): TLSContextFields {
  const root = new Cursor(ctx, ctx.path);
  const known: readonly string[] = flat
    ? TLS_CONTEXT_FIELDS
    : TLS_CONTEXT_FIELDS.filter((f) => !(FLAT_META_FIELDS as readonly string[]).includes(f));
  const t: Record<string, unknown> = { hosts: [] };
  for (const [k, v] of Object.entries(obj)) {
    const c = root.at(k);
    if (!known.includes(k)) {
      unknownField(c, k, known);
      continue;
    }
    if (k === 'name' || k === 'namespace' || k === 'secret') {
      if (str(v, c) !== undefined) t[k] = v;
    } else if (k === 'hosts') {
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) t.hosts = v;
      else wrongType(c, 'a list of strings', v);
    } else if (k === 'ambassador_id') {
      const ids = ambassadorId(v, c);
      if (ids) t.ambassador_id = ids;
    } else if (!(FLAT_META_FIELDS as readonly string[]).includes(k)) {
      c.warn('SDEP_MAPPING_FIELD_UNSUPPORTED', `TLSContext "${k}" is not implemented by sdep; ignored`);
    }
  }
  if (flat && t.name === undefined) required(root, 'name');
  return { tls: t as TLSContextFields['tls'], ok: !root.failed };
}
