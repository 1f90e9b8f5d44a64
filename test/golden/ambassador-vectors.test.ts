/**
 * Golden tests over every `ambassador-mappings` conformance vector (Seldon Core
 * v1 operator output). Every field is compared. Where ../shared/spec says we
 * differ from Seldon Core (its README lists the cases), the expected value is
 * adjusted by a named fix below and the test asserts our behaviour instead.
 * Every case is compiled and rendered twice and compared byte for byte.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { type BackendOverride, compileDeploymentWith } from '../../src/ambassador/compile.js';
import type { AmbassadorConfig } from '../../src/ambassador/mapping.js';
import { renderAmbassador, renderObjects } from '../../src/ambassador/render.js';
import type { DeploymentSpec } from '../../src/api/deployment-spec.js';
import { parseDeployment } from '../../src/api/index.js';
import type { Diagnostic } from '../../src/core/diagnostic.js';

type Obj = Record<string, unknown>;
interface Vector {
  name: string;
  input: Obj & { sdep: Obj; predictor: string };
  expected: Obj;
}

const VECTORS: Vector[] = JSON.parse(
  readFileSync(new URL('./ambassador/seldon-ambassador-vectors.json', import.meta.url), 'utf8'),
);

const clone = <T>(v: T): T => structuredClone(v);

/**
 * Seldon Core's own unit tests build predictors without graphs; our api/ validates
 * graphs, so a minimal one is added. The generator never reads the graph.
 */
function withGraphs(sdep: Obj): Obj {
  const doc = clone(sdep) as { spec: { predictors: Obj[] } };
  for (const p of doc.spec.predictors) {
    p.graph ??= { name: 'classifier', type: 'MODEL', endpoint: { type: 'REST' }, children: [] };
    p.componentSpecs ??= [
      { spec: { containers: [{ name: 'classifier', image: 'seldonio/mock_classifier:1.18.2' }] } },
    ];
  }
  return doc;
}

/**
 * Adjustments to inputs that our api/ (rightly) rejects or that the Go tests express as flags:
 * - `v1-test-canary-three-equal`: 33/33/33 sums to 99 (Seldon's webhook rejects it too; its generator test
 *   skips the webhook). p1 becomes 34; the predictor under test (p2, 33) is unchanged.
 * - `isExplainer` vectors without an explainer: the Go test passes the flag; we give the predictor one.
 */
function adjustInput(v: Vector, sdep: Obj): Obj {
  const doc = clone(sdep) as { spec: { predictors: Obj[] } };
  if (v.name === 'v1-test-canary-three-equal') (doc.spec.predictors[0] as Obj).traffic = 34;
  if (v.input.isExplainer) {
    for (const p of doc.spec.predictors)
      if (p.name === v.input.predictor) p.explainer ??= { type: 'AnchorTabular' };
  }
  return doc;
}

function specOf(v: Vector, sdep: Obj = v.input.sdep): DeploymentSpec {
  const r = parseDeployment(withGraphs(adjustInput(v, sdep)), { file: `vector:${v.name}`, index: 0 });
  assert.ok(r.spec, `${v.name}: api/ rejected the vector input: ${JSON.stringify(r.diagnostics)}`);
  return r.spec;
}

function overrideOf(v: Vector): BackendOverride | undefined {
  const i = v.input;
  if (typeof i.serviceName !== 'string') return undefined;
  return { host: i.serviceName, httpPort: i.httpPort as number, grpcPort: i.grpcPort as number };
}

interface Compiled {
  config: AmbassadorConfig;
  diagnostics: Diagnostic[];
}

/** Compiles twice: both the IR and every render must be identical. */
function compile(v: Vector, spec: DeploymentSpec): Compiled {
  const opts = { singleNamespace: Boolean(v.input.singleNamespace) };
  const a = compileDeploymentWith(spec, opts, overrideOf(v));
  const b = compileDeploymentWith(spec, opts, overrideOf(v));
  assert.deepEqual(a, b, `${v.name}: compile is not deterministic`);
  for (const format of ['ambassador-v1', 'v2', 'v3alpha1'] as const) {
    assert.equal(
      renderAmbassador(a.config, { format }),
      renderAmbassador(b.config, { format }),
      `${v.name}: ${format} render is not deterministic`,
    );
  }
  return a;
}

/** The part of a compiled deployment that belongs to the vector's predictor (or its explainer). */
function forPredictor(v: Vector, config: AmbassadorConfig): AmbassadorConfig {
  const explainer = Boolean(v.input.isExplainer);
  const mine = (o: { predictor?: string; explainer?: boolean } | undefined) =>
    o?.predictor === v.input.predictor && Boolean(o?.explainer) === explainer;
  const custom = (o: { predictor?: string } | undefined) => o?.predictor === undefined;
  return {
    mappings: config.mappings.filter((m) => mine(m.origin) || custom(m.origin)),
    tlsContexts: explainer ? [] : config.tlsContexts.filter((t) => mine(t.origin)),
    services: (config.services ?? []).filter((s) => mine(s.origin)),
  };
}

/** `---\n`-separated annotation text → documents ('' for an empty one), as the vectors write them. */
function annotationDocuments(text: string): (Obj | '')[] {
  return text
    .split(/^---\n/m)
    .slice(1)
    .map((d) => (d === '' ? '' : (parseYaml(d) as Obj)));
}

function v1Annotation(v: Vector, config: AmbassadorConfig): string {
  const objects = renderObjects(forPredictor(v, config), { format: 'ambassador-v1' });
  assert.equal(objects.length, 1, `${v.name}: expected one Service`);
  const svc = objects[0] as { metadata: { annotations: Record<string, string> } };
  return svc.metadata.annotations['getambassador.io/config'] as string;
}

function v2Objects(v: Vector, config: AmbassadorConfig): { mappings: Obj[]; tls: Obj[] } {
  const objects = renderObjects(forPredictor(v, config), { format: 'v2' });
  return {
    mappings: objects.filter((o) => o.kind === 'Mapping'),
    tls: objects.filter((o) => o.kind === 'TLSContext'),
  };
}

function errorNaming(v: Vector, c: Compiled, annotation: string, value: string): void {
  const hit = c.diagnostics.find(
    (d) => d.severity === 'error' && d.message.includes(annotation) && d.message.includes(value),
  );
  assert.ok(
    hit,
    `${v.name}: expected an error naming ${annotation} and ${value}, got ${JSON.stringify(c.diagnostics)}`,
  );
  assert.ok(hit.path.includes(annotation), `${v.name}: path ${hit.path} should name ${annotation}`);
  assert.equal(c.config.mappings.length, 0, `${v.name}: a deployment with an error is left out`);
}

// ---- Known differences (../shared/spec/vectors/README.md), applied to the expected value ----

type Docs = (Obj | '')[];
const isGrpc = (d: Obj | '') => d !== '' && d.grpc === true;
const isRest = (d: Obj | '') => d !== '' && d.kind === 'Mapping' && d.grpc !== true;

/** v1 `*-canary-traffic-zero`: Seldon drops `weight: 0` (turning 100/0 into 50/50); we keep it. */
function keepWeightZero(docs: Docs): void {
  for (const d of docs) if (d !== '' && d.kind === 'Mapping') d.weight = 0;
}

/** `*-ssl` / `v1-test-tls`: Seldon names the TLSContext without the namespace; ours matches the Mappings' `tls`. */
function consistentTlsName(docs: Docs): void {
  const tls = docs.find((d) => d !== '' && d.kind === 'TLSContext') as Obj;
  const ref = (docs.find(isRest) as Obj).tls;
  tls.name = ref;
}

/** `*-explainer`: Seldon emits a gRPC Mapping to port 0; we emit none. */
function noExplainerGrpc(docs: Docs): void {
  const i = docs.findIndex(isGrpc);
  docs[i] = '';
}

/** `*-regex-header-with-header`: Seldon copies the plain header into regex_headers; we read the regex annotation. */
function regexFromRegexAnnotation(docs: Docs): void {
  for (const d of docs) if (d !== '' && d.regex_headers) d.regex_headers = { location: 'lond.*' };
}

const V1_FIXES: Record<string, (docs: Docs) => void> = {
  'v1-canary-traffic-zero': keepWeightZero,
  'v1-test-tls': consistentTlsName,
  'v1-ssl': consistentTlsName,
  'v1-test-single-explainer': noExplainerGrpc,
  'v1-explainer': noExplainerGrpc,
  'v1-regex-header-with-header': regexFromRegexAnnotation,
};

/** v2 gRPC Mappings: Seldon omits the `namespace` header (two namespaces then share gRPC traffic); we include it. */
function v2NamespaceHeader(v: Vector, mappings: Obj[]): void {
  const ns = ((v.input.sdep.metadata as Obj).namespace as string | undefined) ?? 'default';
  for (const m of mappings) {
    const spec = m.spec as Obj;
    const meta = m.metadata as Obj;
    if (spec.grpc === true && String(meta.name).startsWith(`seldon-${ns}-`)) {
      (spec.headers as Obj).namespace = ns;
    }
  }
}

/**
 * `v2-grpc-timeout-*` (and so `v2-rest-timeout-*`, `v2-metadata-annotation-fallback`): Seldon's v2 mode
 * ignores grpc-timeout and gives gRPC the REST timeout; we honour grpc-timeout (default 3000) in every form.
 */
function v2GrpcTimeout(v: Vector, mappings: Obj[]): void {
  const annotations = ((v.input.sdep.spec as Obj).annotations ?? {}) as Record<string, string>;
  const raw = annotations['seldon.io/grpc-timeout'];
  const timeout = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : 3000;
  for (const m of mappings) {
    const spec = m.spec as Obj;
    if (spec.grpc !== true) continue;
    spec.timeout_ms = timeout;
    if (timeout > 300000) spec.idle_timeout_ms = timeout;
    else delete spec.idle_timeout_ms;
  }
}

/** Single-namespace v2 REST Mapping: Seldon's name has underscores (rejected by the API server); ours follows the table. */
function v2SingleNamespaceName(mappings: Obj[]): void {
  for (const m of mappings) {
    const meta = m.metadata as Obj;
    const name = String(meta.name);
    if (name.includes('_')) meta.name = name.replace(/_mapping$/, '').replace(/_/g, '-');
  }
}

const V2_FIXES: Record<string, (mappings: Obj[]) => void> = {
  'v2-canary-traffic-zero': () => {}, // v2 keeps weight 0 already: same as ours.
  'v2-seed-mymodel-singlenamespace': v2SingleNamespaceName,
  // `v2-ssl`: the namespaced Mapping's tls name is double-wrapped in Seldon; ours names the TLSContext we create.
  'v2-ssl': (mappings) => {
    for (const m of mappings) (m.spec as Obj).tls = 'seldon-seldon-mymodel-default-tls-config';
  },
  'v2-explainer': (mappings) => {
    mappings.splice(
      mappings.findIndex((m) => (m.spec as Obj).grpc === true),
      1,
    );
  },
  'v2-regex-header-with-header': (mappings) => {
    for (const m of mappings) (m.spec as Obj).regex_headers = { location: 'lond.*' };
  },
};

// ---- Vectors whose expected value is an error or a crash in Seldon Core ----

/** Atoi errors (and v1's swallowed grpc-timeout error): ours is a validation error naming the annotation and value. */
const INTEGER_ERRORS: Record<string, [string, string]> = {
  'v1-rest-timeout-abc': ['seldon.io/rest-timeout', 'abc'],
  'v2-rest-timeout-abc': ['seldon.io/rest-timeout', 'abc'],
  'v1-retries-bad': ['seldon.io/ambassador-retries', 'three'],
  'v2-retries-bad': ['seldon.io/ambassador-retries', 'three'],
  'v1-circuit-breaker-bad': ['seldon.io/ambassador-circuit-breakers-max-requests', 'lots'],
  'v2-circuit-breaker-bad': ['seldon.io/ambassador-circuit-breakers-max-requests', 'lots'],
  // Seldon v1 silently drops the gRPC route; v2 ignores the annotation.
  'v1-grpc-timeout-bad': ['seldon.io/grpc-timeout', 'soon'],
  'v2-grpc-timeout-bad': ['seldon.io/grpc-timeout', 'soon'],
};

function mappingsOf(c: Compiled, v: Vector) {
  return forPredictor(v, c.config).mappings;
}

const SPECIAL: Record<string, (v: Vector) => void> = {
  // Seldon v1 panics; a bare name is a presence match (v2 Seldon does the same).
  'v1-header-presence-only': (v) => {
    const c = compile(v, specOf(v));
    assert.deepEqual(c.diagnostics, []);
    const [rest, grpc] = mappingsOf(c, v);
    assert.deepEqual(rest?.headers, { 'x-canary': true });
    assert.deepEqual(grpc?.headers, { 'x-canary': true, seldon: 'example-header', namespace: 'seldon' });
  },
  // Seldon v1 panics, v2 errors: ours is a validation error naming the annotation.
  'v1-header-three-parts': (v) =>
    errorNaming(v, compile(v, specOf(v)), 'seldon.io/ambassador-header', 'a:b:c'),
  'v2-header-three-parts': (v) =>
    errorNaming(v, compile(v, specOf(v)), 'seldon.io/ambassador-header', 'a:b:c'),
  // Seldon panics (it splits the empty plain header); we read the regex annotation alone.
  'v1-regex-header-alone': regexAlone,
  'v2-regex-header-alone': regexAlone,
  // Seldon copies the annotation verbatim onto every predictor Service; ours parses it, validates it and
  // emits it once. The documents are compared as data (our render writes `ambassador/v1` when the fields allow).
  'v1-custom-config': (v) => {
    const c = compile(v, specOf(v));
    assert.deepEqual(c.diagnostics, []);
    const docs = annotationDocuments(v1Annotation(v, c.config));
    const expected = parseYaml(v.expected.verbatim as string) as Obj;
    assert.deepEqual(docs, [{ ...expected, apiVersion: 'ambassador/v1' }]);
  },
  // Seldon's v2 mode ignores seldon.io/ambassador-config; we honour it: the custom Mapping replaces the generated ones.
  'v2-custom-config-ignored': (v) => {
    const c = compile(v, specOf(v));
    const { mappings } = v2Objects(v, c.config);
    assert.deepEqual(mappings, [
      {
        apiVersion: 'getambassador.io/v2',
        kind: 'Mapping',
        metadata: {
          name: 'seldon-example-rest',
          namespace: 'seldon',
          labels: { 'seldon-deployment-id': 'example-custom' },
        },
        spec: { prefix: '/mycompany/ml/', service: 'production-model-example.seldon:8000', timeout_ms: 3000 },
      },
    ]);
  },
  // Seldon's Go test calls getV2Mapping directly (non-namespaced REST Mapping, weight 100, ambassador_id "1",
  // external name "seldon", port 2000). We reach the same Mapping through a deployment: the predictor is the
  // second one (so it gets its traffic as weight), with the two annotations and the backend override.
  'v2-test-getV2Mapping-basic': (v) => {
    const sdep = clone(v.input.sdep) as { metadata: Obj; spec: { predictors: Obj[]; annotations?: Obj } };
    sdep.spec.annotations = { 'seldon.io/ambassador-service-name': 'seldon', 'seldon.io/ambassador-id': '1' };
    sdep.spec.predictors = [
      { name: 'other', traffic: 0 },
      { name: 'predictor', traffic: 100 },
    ];
    const spec = specOf(v, sdep as unknown as Obj);
    const c = compileDeploymentWith(spec, { singleNamespace: true }, { host: 'seldon', httpPort: 2000 });
    const { mappings } = v2Objects(v, c.config);
    const single = mappings.find((m) => (m.spec as Obj).prefix === '/seldon/seldon/');
    assert.ok(single);
    assert.deepEqual(single.spec, (v.expected as { spec: Obj }).spec);
  },
};

function regexAlone(v: Vector): void {
  const c = compile(v, specOf(v));
  assert.deepEqual(c.diagnostics, []);
  const [rest, grpc] = mappingsOf(c, v);
  assert.equal(rest?.headers, undefined);
  assert.deepEqual(rest?.regex_headers, { location: 'lond.*' });
  assert.deepEqual(grpc?.regex_headers, { location: 'lond.*' });
  assert.deepEqual(grpc?.headers, { seldon: 'example-rx', namespace: 'seldon' });
}

function checkV1(v: Vector): void {
  const c = compile(v, specOf(v));
  assert.deepEqual(c.diagnostics, [], `${v.name}: unexpected diagnostics`);
  const text = v1Annotation(v, c.config);
  const expected = clone(v.expected.documents as Docs);
  const fix = V1_FIXES[v.name];
  fix?.(expected);
  assert.deepEqual(annotationDocuments(text), expected, `${v.name}: documents differ`);
  // Where no fix applies, the annotation text is Seldon's byte for byte.
  if (!fix && typeof v.expected.annotationText === 'string') {
    assert.equal(text, v.expected.annotationText, `${v.name}: annotation text differs`);
  }
}

function checkV2(v: Vector): void {
  const c = compile(v, specOf(v));
  assert.deepEqual(c.diagnostics, [], `${v.name}: unexpected diagnostics`);
  const { mappings, tls } = v2Objects(v, c.config);
  const expected = clone(v.expected.mappings as Obj[]);
  v2NamespaceHeader(v, expected);
  v2GrpcTimeout(v, expected);
  V2_FIXES[v.name]?.(expected);
  assert.deepEqual(mappings, expected, `${v.name}: Mappings differ`);
  // Seldon computes TLSContexts in v2 but never creates them; ours are created, with matching names.
  const computed = (v.expected.tlsContexts_computed_but_never_created ?? []) as { secret: string }[];
  assert.deepEqual(
    tls.map((t) => (t.spec as Obj).secret),
    computed.map((t) => t.secret),
  );
  for (const t of tls) {
    assert.equal(
      (t.metadata as Obj).name,
      ((mappings[0] as Obj).spec as Obj).tls,
      `${v.name}: TLSContext name`,
    );
  }
}

test('there are 60 ambassador-mappings vectors', () => {
  assert.equal(VECTORS.length, 60);
});

for (const v of VECTORS) {
  test(`vector ${v.name}`, () => {
    const special = SPECIAL[v.name];
    const integer = INTEGER_ERRORS[v.name];
    if (special) special(v);
    else if (integer) errorNaming(v, compile(v, specOf(v)), integer[0], integer[1]);
    else if (v.input.ambassadorVersion === 'v1') checkV1(v);
    else if (v.input.ambassadorVersion === 'v2') checkV2(v);
    else assert.fail(`${v.name}: no check for this vector`);
  });
}
