/**
 * Property: random mutations of the seed's example deployments never make
 * parseDeployment throw; every error has a non-empty message; a spec comes
 * back exactly when there is no error. Bounded: 300 runs, at most 6 mutations.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { mutate } from '../../test/fixtures/document-slots.js';
import { parseDeployment, parseDeploymentText } from './index.js';

const dir = join(import.meta.dirname, '..', '..', 'examples');
const texts: string[] = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => readFileSync(join(dir, f), 'utf8'));
const examples: unknown[] = texts.map((t) => parse(t));

const KEYS = [
  'name',
  'type',
  'implementation',
  'modelUri',
  'traffic',
  'shadow',
  'children',
  'graph',
  'predictors',
  'endpoint',
  'parameters',
  'logger',
  'mode',
  'protocol',
  'transport',
  'replicas',
  'componentSpecs',
  'containers',
  'annotations',
  'seldon.io/no-engine',
  'seldon.io/svc-name',
  'value',
  'methods',
  'explainer',
  '__proto__',
  'constructor',
];
const VALUES = [
  'SKLEARN_SERVER',
  'RANDOM_ABTEST',
  'ONNX_SERVER',
  'UNKNOWN_IMPLEMENTATION',
  'ROUTER',
  'GRPC',
  'grpc',
  'tensorflow',
  'v2',
  'true',
  '',
  -1,
  0,
  100,
  150,
  1.5,
  true,
  null,
  {},
  [],
  [{ name: 'x' }],
  { name: 'classifier' },
  { type: 'REST' },
  { url: 'http://l' },
  [{ name: 'p', value: 'x', type: 'INT' }],
];

const mutation = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'insert', 'duplicate'),
  key: fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })),
  value: fc.oneof(fc.constantFrom(...VALUES), fc.jsonValue({ maxDepth: 2 })),
});

test('random mutations of the examples never make parseDeployment throw', () => {
  let rejected = 0;
  fc.assert(
    fc.property(
      fc.nat({ max: examples.length - 1 }),
      fc.array(mutation, { minLength: 1, maxLength: 6 }),
      (which, muts) => {
        const doc = mutate(structuredClone(examples[which]), muts);
        const r = parseDeployment(doc, { file: 'prop.yaml', index: 0 });
        const errors = r.diagnostics.filter((d) => d.severity === 'error');
        for (const d of r.diagnostics) {
          assert.ok(d.message.trim().length > 0, `empty message for ${d.code}`);
          assert.match(d.code, /^SDEP_[A-Z0-9_]+$/);
          assert.equal(typeof d.path, 'string');
        }
        assert.equal(r.spec === undefined, errors.length > 0);
        if (errors.length > 0) rejected++;
      },
    ),
    { numRuns: 300, seed: 20261125 },
  );
  // The mutations must actually reach validation, or the property proves little.
  assert.ok(rejected > 50, `only ${rejected} of 300 mutated documents were rejected`);
});

test('random edits of the example texts never make parseDeploymentText throw', () => {
  const edit = fc.record({
    at: fc.nat(),
    cut: fc.nat({ max: 12 }),
    insert: fc.oneof(
      fc.constantFrom(
        '\n',
        ': ',
        '- ',
        '  ',
        '&a ',
        '*a',
        '---\n',
        '{',
        '[',
        '"',
        "'",
        '#',
        '\t',
        '!!binary ',
      ),
      fc.string({ maxLength: 8 }),
    ),
  });
  fc.assert(
    fc.property(
      fc.nat({ max: texts.length - 1 }),
      fc.array(edit, { minLength: 1, maxLength: 5 }),
      (which, edits) => {
        let text = texts[which]!;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert + text.slice(at + e.cut);
        }
        const r = parseDeploymentText(text, 'edited.yaml');
        for (const d of r.diagnostics) assert.ok(d.message.trim().length > 0, d.code);
        for (const s of r.specs) assert.equal(typeof s.name, 'string');
      },
    ),
    { numRuns: 150, seed: 1125 },
  );
});
