/**
 * SeldonDeployment → Ambassador Mappings (pure). Follows Seldon Core v1's
 * operator, minus its known bugs (see spec/ambassador-mappings.md): weight 0
 * is kept, regex headers come from the regex annotation, gRPC Mappings carry
 * the namespace header in every form, TLSContext names match, no gRPC Mapping
 * for explainers, and bad annotation values are diagnostics.
 */
import type { DeploymentSpec, PredictorSpec } from '../api/deployment-spec.js';
import { resourceLabel } from '../api/deployment-spec.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { hasErrors } from '../core/diagnostic.js';
import {
  ANNOTATIONS,
  type AnnotationReader,
  annotationPath,
  readHeaders,
  readInteger,
  readRegexHeaders,
} from './annotations.js';
import { readCustomConfig } from './custom-config.js';
import type {
  AmbassadorConfig,
  BackendService,
  CircuitBreaker,
  Mapping,
  MappingOrigin,
  TLSContext,
} from './mapping.js';
import {
  EXPLAINER_HTTP_PORT,
  explainerServiceName,
  GRPC_PORT,
  GRPC_PREFIX,
  mappingName,
  predictorServiceName,
  REST_PORT,
  tlsContextName,
} from './names.js';

export interface CompileOptions {
  /** Also emit `/seldon/<name>/` Mappings (Seldon's singleNamespace=true). */
  singleNamespace: boolean;
}

export interface CompileResult {
  config: AmbassadorConfig;
  diagnostics: Diagnostic[];
}

/**
 * Replaces the backend Service host and ports, as Seldon Core's own unit tests
 * call its generator with them. For conformance tests only.
 */
export interface BackendOverride {
  host?: string;
  httpPort?: number;
  grpcPort?: number;
}

const DEFAULT_TIMEOUT_MS = 3000;
/** Above this, Seldon Core also sets idle_timeout_ms so Envoy's idle timer does not cut the request. */
const IDLE_TIMEOUT_THRESHOLD_MS = 300000;

/** Settings read once per deployment from its annotations. */
interface Settings {
  ext: string;
  restTimeout: number;
  grpcTimeout: number;
  retries?: number;
  circuitBreaker?: CircuitBreaker;
  headers?: Record<string, string | true>;
  regexHeaders?: Record<string, string>;
  ambassadorId?: string[];
}

export function compileDeployment(spec: DeploymentSpec, opts: CompileOptions): CompileResult {
  return compileDeploymentWith(spec, opts);
}

export function compileDeploymentWith(
  spec: DeploymentSpec,
  opts: CompileOptions,
  override?: BackendOverride,
): CompileResult {
  const resource = resourceLabel(spec);
  const diagnostics: Diagnostic[] = [];
  const reader: AnnotationReader = { resource, annotations: spec.annotations, diagnostics };
  const config: AmbassadorConfig = {
    mappings: [],
    tlsContexts: [],
    services: backendServices(spec, override),
  };
  const origin: MappingOrigin = {
    source: spec.source,
    resource: `SeldonDeployment ${spec.namespace}/${spec.name}`,
  };

  const custom = spec.annotations[ANNOTATIONS.config];
  if (custom !== undefined) {
    warnOverridden(reader);
    const c = readCustomConfig(custom, resource, spec.namespace, origin, diagnostics);
    if (!c || hasErrors(diagnostics)) return { config: empty(), diagnostics };
    config.mappings = c.mappings;
    config.tlsContexts = c.tlsContexts;
    return { config, diagnostics };
  }

  const settings = readSettings(spec.name, reader);
  if (!settings || hasErrors(diagnostics)) return { config: empty(), diagnostics };
  const firstServing = Math.max(
    0,
    spec.predictors.findIndex((p) => !p.shadow),
  );
  spec.predictors.forEach((p, i) => {
    const tls = p.ssl?.certSecretName ? predictorTls(spec, p, settings, origin) : undefined;
    if (tls) config.tlsContexts.push(tls);
    const weight = i === firstServing ? undefined : p.traffic;
    config.mappings.push(
      ...predictorMappings(spec, p, settings, opts, { weight, tls: tls?.name, origin, override }),
    );
    if (p.explainer) {
      config.mappings.push(
        ...explainerMappings(spec, p, settings, opts, { tls: tls?.name, origin, override }),
      );
    }
  });
  return { config, diagnostics };
}

/**
 * The annotation checks alone, for a deployment that failed validation
 * elsewhere: `sdep validate` reports every error at once, not the API's
 * first and the annotations' on the next run.
 */
export function annotationDiagnostics(
  annotations: Readonly<Record<string, string>>,
  target: { resource: string; name: string; namespace: string; origin: MappingOrigin },
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const reader: AnnotationReader = { resource: target.resource, annotations, diagnostics };
  const custom = annotations[ANNOTATIONS.config];
  if (custom !== undefined) {
    warnOverridden(reader);
    readCustomConfig(custom, target.resource, target.namespace, target.origin, diagnostics);
  } else readSettings(target.name, reader);
  return diagnostics;
}

function empty(): AmbassadorConfig {
  return { mappings: [], tlsContexts: [], services: [] };
}

function readSettings(name: string, r: AnnotationReader): Settings | undefined {
  const a = r.annotations;
  const settings: Settings = {
    ext: a[ANNOTATIONS.serviceName]?.trim() || name,
    restTimeout: readInteger(r, ANNOTATIONS.restTimeout, 'milliseconds') ?? DEFAULT_TIMEOUT_MS,
    grpcTimeout: readInteger(r, ANNOTATIONS.grpcTimeout, 'milliseconds') ?? DEFAULT_TIMEOUT_MS,
  };
  const retries = readInteger(r, ANNOTATIONS.retries, 'number of retries');
  if (retries) settings.retries = retries;
  const cb: CircuitBreaker = {};
  const caps = [
    ['max_connections', ANNOTATIONS.cbMaxConnections],
    ['max_pending_requests', ANNOTATIONS.cbMaxPendingRequests],
    ['max_requests', ANNOTATIONS.cbMaxRequests],
    ['max_retries', ANNOTATIONS.cbMaxRetries],
  ] as const;
  for (const [field, key] of caps) {
    const n = readInteger(r, key, 'a count');
    if (n !== undefined) cb[field] = n;
  }
  if (Object.keys(cb).length > 0) settings.circuitBreaker = cb;
  const headers = readHeaders(r, ANNOTATIONS.header);
  if (headers) settings.headers = headers;
  const regexHeaders = readRegexHeaders(r, ANNOTATIONS.regexHeader);
  if (regexHeaders) settings.regexHeaders = regexHeaders;
  const id = a[ANNOTATIONS.id]?.trim();
  if (id) settings.ambassadorId = [id];
  return settings;
}

/** With a custom config, the generating annotations do nothing: say so rather than ignore them silently. */
function warnOverridden(r: AnnotationReader): void {
  const generating = Object.values(ANNOTATIONS).filter(
    (k) => k !== ANNOTATIONS.config && k !== ANNOTATIONS.svcName && k !== ANNOTATIONS.id,
  );
  for (const key of generating) {
    if (r.annotations[key] === undefined) continue;
    r.diagnostics.push({
      code: 'SDEP_AMB_CONFIG_OVERRIDES',
      severity: 'warning',
      resource: r.resource,
      path: annotationPath(key),
      message: `annotation ${key} has no effect: ${ANNOTATIONS.config} replaces the generated Mappings`,
    });
  }
}

function serviceHost(spec: DeploymentSpec, p: PredictorSpec, override?: BackendOverride): string {
  return (
    override?.host ?? (p.annotations[ANNOTATIONS.svcName]?.trim() || predictorServiceName(spec.name, p.name))
  );
}

function explainerPort(p: PredictorSpec): number {
  const e = p.explainer?.endpoint;
  return e?.httpPort ?? e?.service_port ?? EXPLAINER_HTTP_PORT;
}

function backendServices(spec: DeploymentSpec, override?: BackendOverride): BackendService[] {
  const out: BackendService[] = [];
  for (const p of spec.predictors) {
    const origin = {
      source: spec.source,
      resource: `SeldonDeployment ${spec.namespace}/${spec.name}`,
      predictor: p.name,
    };
    const name = serviceHost(spec, p, override);
    out.push({
      name,
      namespace: spec.namespace,
      selector: { 'seldon-app': name },
      ports: [
        { name: 'http', port: override?.httpPort ?? REST_PORT },
        { name: 'grpc', port: override?.grpcPort ?? GRPC_PORT },
      ],
      origin,
    });
    if (p.explainer) {
      const ename = override?.host ?? explainerServiceName(spec.name, p.name);
      out.push({
        name: ename,
        namespace: spec.namespace,
        selector: { 'seldon-app': ename },
        ports: [{ name: 'http', port: override?.httpPort ?? explainerPort(p) }],
        origin: { ...origin, explainer: true },
      });
    }
  }
  return out;
}

function predictorTls(
  spec: DeploymentSpec,
  p: PredictorSpec,
  s: Settings,
  origin: MappingOrigin,
): TLSContext {
  const tls: TLSContext = {
    name: tlsContextName(spec.namespace, spec.name, p.name),
    namespace: spec.namespace,
    hosts: [],
    secret: p.ssl?.certSecretName as string,
    origin: { ...origin, predictor: p.name },
  };
  if (s.ambassadorId) tls.ambassador_id = [...s.ambassadorId];
  return tls;
}

interface PredictorContext {
  weight?: number;
  tls?: string;
  origin: MappingOrigin;
  override?: BackendOverride;
}

/** Fields every generated Mapping shares, from the deployment's annotations. */
function common(s: Settings, timeout: number, c: PredictorContext): Partial<Mapping> {
  const m: Partial<Mapping> = { timeout_ms: timeout };
  if (timeout > IDLE_TIMEOUT_THRESHOLD_MS) m.idle_timeout_ms = timeout;
  if (s.regexHeaders) m.regex_headers = { ...s.regexHeaders };
  if (c.weight !== undefined) m.weight = c.weight;
  if (s.retries) m.retry_policy = { retry_on: 'gateway-error', num_retries: s.retries };
  if (s.circuitBreaker) m.circuit_breakers = [{ ...s.circuitBreaker }];
  if (s.ambassadorId) m.ambassador_id = [...s.ambassadorId];
  if (c.tls) m.tls = c.tls;
  return m;
}

function predictorMappings(
  spec: DeploymentSpec,
  p: PredictorSpec,
  s: Settings,
  opts: CompileOptions,
  c: PredictorContext,
): Mapping[] {
  const ns = spec.namespace;
  const host = serviceHost(spec, p, c.override);
  const origin: MappingOrigin = { ...c.origin, predictor: p.name };
  const restService = `${host}.${ns}:${c.override?.httpPort ?? REST_PORT}`;
  const grpcService = `${host}.${ns}:${c.override?.grpcPort ?? GRPC_PORT}`;
  const sets = opts.singleNamespace ? [true, false] : [true];
  const out: Mapping[] = [];
  for (const namespaced of sets) {
    const nameParts = { namespace: namespaced ? ns : undefined, deployment: spec.name, predictor: p.name };
    const rest: Mapping = {
      name: mappingName({ ...nameParts, transport: 'rest' }),
      namespace: ns,
      prefix: namespaced ? `/seldon/${ns}/${s.ext}/` : `/seldon/${s.ext}/`,
      rewrite: '/',
      service: restService,
      ...common(s, s.restTimeout, c),
      origin,
    };
    if (s.headers) rest.headers = { ...s.headers };
    if (p.shadow) rest.shadow = true;
    const grpcHeaders: Record<string, string | boolean> = { ...s.headers, seldon: s.ext };
    if (namespaced) grpcHeaders.namespace = ns;
    const grpc: Mapping = {
      name: mappingName({ ...nameParts, transport: 'grpc' }),
      namespace: ns,
      grpc: true,
      prefix: GRPC_PREFIX,
      prefix_regex: true,
      rewrite: '',
      service: grpcService,
      headers: grpcHeaders,
      ...common(s, s.grpcTimeout, c),
      origin,
    };
    if (p.shadow) grpc.shadow = true;
    out.push(rest, grpc);
  }
  return out;
}

/** REST only: Seldon Core's gRPC explainer Mapping points at port 0 and never works. */
function explainerMappings(
  spec: DeploymentSpec,
  p: PredictorSpec,
  s: Settings,
  opts: CompileOptions,
  c: PredictorContext,
): Mapping[] {
  const ns = spec.namespace;
  const host = c.override?.host ?? explainerServiceName(spec.name, p.name);
  const port = c.override?.httpPort ?? explainerPort(p);
  const origin: MappingOrigin = { ...c.origin, predictor: p.name, explainer: true };
  const sets = opts.singleNamespace ? [true, false] : [true];
  return sets.map((namespaced) => {
    const m: Mapping = {
      name: mappingName({
        namespace: namespaced ? ns : undefined,
        deployment: spec.name,
        predictor: p.name,
        explainer: true,
        transport: 'rest',
      }),
      namespace: ns,
      prefix: namespaced
        ? `/seldon/${ns}/${s.ext}-explainer/${p.name}/`
        : `/seldon/${s.ext}-explainer/${p.name}/`,
      rewrite: '/',
      service: `${host}.${ns}:${port}`,
      ...common(s, s.restTimeout, { ...c, weight: undefined }),
      origin,
    };
    if (s.headers) m.headers = { ...s.headers };
    return m;
  });
}
