/**
 * Property: random mutations of the seed's example SeldonDeployments, as
 * YAML text, never make any stage of validate → render → serve throw:
 * parse, compile, the three Ambassador renders, the Kubernetes render, the
 * route table and the desired units (what `sdep serve` would run). Every
 * document that is refused gets error diagnostics, and they carry a field
 * path. Plus a corpus of hostile texts (alias bombs, deep nesting, huge
 * documents) refused with a clear error through the file reader `sdep`
 * uses. Bounded: fixed seeds and run counts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { compileAll, RENDER_FORMATS, renderAmbassador } from '../../src/ambassador/index.js';
import { deploymentsFromDocuments, parseResourceText, readResourceFiles } from '../../src/api/index.js';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import { defaultK8sOptions } from '../../src/k8s/k8s-options.js';
import { renderKubernetes } from '../../src/k8s/render-kubernetes.js';
import { desiredUnits } from '../../src/local/desired-units.js';
import { createServePipeline } from '../../src/local/serve-pipeline.js';
import { buildRouteTable } from '../../src/routing/index.js';
import { mutate } from '../fixtures/document-slots.js';

const HEADER = 'apiVersion: machinelearning.seldon.io/v1\nkind: SeldonDeployment\n';
const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
let examples: unknown[] = [];
let dir = '';

before(async () => {
  const files = (await readdir(EXAMPLES)).filter((f) => f.endsWith('.yaml')).sort();
  examples = await Promise.all(files.map(async (f) => parse(await readFile(join(EXAMPLES, f), 'utf8'))));
  dir = await mkdtemp(join(tmpdir(), 'sdep-fuzz-'));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// values that reach deep into the compiler: annotations, ports, weights, protocols, graph shapes
const VALUES: unknown[] = [
  '',
  '0',
  '-1',
  '99999999999',
  'abc',
  '../../etc/passwd',
  'file:///etc/passwd',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal shell-style placeholder is the input
  '${HOME}',
  '$(rm -rf /)',
  'a\nb',
  '\u0000',
  'x'.repeat(300),
  -1,
  0,
  1.5,
  1e308,
  65536,
  true,
  null,
  [],
  {},
  [{}],
  { name: 'classifier', type: 'ROUTER', children: [{ name: 'classifier' }] },
  { 'seldon.io/ambassador-retries': '-3', 'seldon.io/rest-timeout': '0' },
  { 'seldon.io/ambassador-config': 'apiVersion: x\n---\nkind: Mapping\n' },
  { 'seldon.io/ambassador-header': 'a: b: c' },
  { 'seldon.io/ambassador-circuit-breakers-max-requests': 'lots' },
  { 'seldon.io/svc-name': 'UPPER_case!' },
  'GRPC',
  'v2',
  'kfserving',
  'MOCK_CLASSIFIER',
  'SKLEARN_SERVER',
];
const KEYS = [
  'name',
  'traffic',
  'shadow',
  'replicas',
  'annotations',
  'protocol',
  'transport',
  'graph',
  'modelUri',
  'implementation',
  'children',
  'type',
  'endpoint',
  'service_port',
  'command',
  'explainer',
  'namespace',
];

const mutation = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('replace', 'insert', 'delete', 'duplicate'),
  key: fc.constantFrom(...KEYS),
  value: fc.oneof(fc.constantFrom(...VALUES), fc.jsonValue({ maxDepth: 2 })),
});

function checkDiagnostics(ds: readonly Diagnostic[]): void {
  for (const d of ds) {
    assert.match(d.code, /^SDEP_[A-Z0-9_]+$/);
    assert.ok(d.message.trim().length > 0, `${d.code}: empty message`);
    assert.equal(typeof d.path, 'string');
  }
}

/** Every stage `sdep validate`, `sdep render` and `sdep serve` run, on one text. */
function throughEverything(text: string): { refused: boolean; errors: Diagnostic[] } {
  const parsed = parseResourceText(text, 'fuzz.yaml');
  const loaded = deploymentsFromDocuments(parsed.documents);
  const compiled = compileAll(loaded.specs, { singleNamespace: true });
  for (const format of RENDER_FORMATS)
    assert.equal(typeof renderAmbassador(compiled.config, { format }), 'string');
  const k8s = renderKubernetes(loaded.specs, defaultK8sOptions({ ambassadorApi: 'v2' }));
  assert.equal(typeof k8s.yaml, 'string');
  const table = buildRouteTable(compiled.config.mappings, { ambassadorId: 'default' });
  const pipeline = createServePipeline({ singleNamespace: true, ambassadorId: 'default' });
  const included = compiled.deployments.filter((d) => d.included).map((d) => d.spec);
  const units = desiredUnits(included, pipeline.naming);
  for (const u of units) assert.ok(u.id.length > 0);
  const all = [
    ...parsed.diagnostics,
    ...loaded.diagnostics,
    ...compiled.diagnostics,
    ...k8s.diagnostics,
    ...table.diagnostics,
  ];
  checkDiagnostics(all);
  const errors = all.filter((d) => d.severity === 'error');
  return { refused: loaded.specs.length === 0 || included.length === 0, errors };
}

test('mutated examples never crash validate, render or serve planning; refused ones get errors with paths', () => {
  let refused = 0;
  let runs = 0;
  fc.assert(
    fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 5 }), (which, muts) => {
      runs++;
      const doc = mutate(structuredClone(examples[which % examples.length]), muts);
      const text = stringify(doc);
      const r = throughEverything(text);
      if (process.env.FUZZ_DEBUG && r.refused && r.errors.length === 0)
        console.log(text, JSON.stringify(parseResourceText(text, 'x').diagnostics));
      if (r.refused) {
        refused++;
        assert.ok(r.errors.length > 0, 'a refused document says why');
        assert.ok(
          r.errors.some((e) => e.path !== ''),
          `no error names a field: ${r.errors.map((e) => `${e.code} ${e.message}`).join('; ')}`,
        );
      }
    }),
    { numRuns: 400, seed: 8_2026 },
  );
  assert.ok(
    refused > runs / 10,
    `only ${refused} of ${runs} mutated documents were refused: the mutations are too weak`,
  );
});

test('hostile texts are refused with a clear error, not expanded or crashed on', async () => {
  const bomb = [
    'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
    ...Array.from({ length: 8 }, (_, i) => {
      const prev = i === 0 ? 'a' : `l${i - 1}`;
      return `l${i}: &l${i} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`;
    }),
    HEADER.trim(),
    'metadata: {name: bomb}',
    'spec: {predictors: *l7}',
  ].join('\n');
  const corpus: [string, string, RegExp][] = [
    ['alias bomb (billion laughs)', bomb, /alias/i],
    ['self-referencing alias', `a: &a [*a]\n${HEADER}`, /alias|refers to itself|deeper/i],
    ['deep flow nesting', `${HEADER}spec: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, /deeper|nest/i],
    [
      'deep block nesting',
      `${HEADER}spec:\n${Array.from({ length: 400 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`,
      /deeper|nest/i,
    ],
    [
      'many values',
      `${HEADER}spec:\n  x: [${Array.from({ length: 250_000 }, () => '{}').join(',')}]\n`,
      /too many values/i,
    ],
  ];
  for (const [what, text, want] of corpus) {
    const started = Date.now();
    const r = parseResourceText(text, `${what}.yaml`);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.length > 0, `${what}: no error`);
    assert.ok(
      errors.some((e) => want.test(e.message)),
      `${what}: ${errors.map((e) => e.message).join('; ')}`,
    );
    // and the rest of the pipeline shrugs it off
    throughEverything(text);
    assert.ok(Date.now() - started < 30_000, `${what} took too long`);
  }
  // an unknown tag is never resolved to code: at most a string, or a diagnostic
  const tagged = parseResourceText(
    `${HEADER}metadata: {name: t}\nspec: !!js/function "function(){}"\n`,
    't.yaml',
  );
  for (const d of tagged.documents) assert.notEqual(typeof (d.doc as { spec?: unknown }).spec, 'function');
  // junk that is no resource at all: skipped with a note, never a crash
  const junk = parseResourceText('\u0000\u0001\u0002\ufffe\uffff', 'junk.yaml');
  assert.equal(junk.documents.length, 0);
  assert.ok(junk.diagnostics.length > 0);
  // a huge file is refused by size before it is parsed
  const huge = join(dir, 'huge.yaml');
  await writeFile(huge, `kind: SeldonDeployment\nspec:\n  x: "${'a'.repeat(5 * 1024 * 1024)}"\n`);
  const read = await readResourceFiles([huge]);
  assert.equal(read.documents.length, 0);
  assert.match(JSON.stringify([...read.unreadable, ...read.diagnostics]), /bytes|large|size/i);
});
