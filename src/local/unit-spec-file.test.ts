import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadDeployments } from '../api/load-deployments.js';
import { parseDeployment } from '../api/parse-deployment.js';
import { readUnitSpec } from '../api/unit-spec.js';
import { desiredUnits } from './desired-units.js';
import { unitSpecFile } from './unit-spec-file.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const naming = {
  serviceName: (d: { name: string }, p: { name: string }) => `${d.name}-${p.name}`,
  restPort: 8000,
  grpcPort: 5001,
};

/** What JSON keeps of a value: undefined members dropped; anything else must survive as it is. */
function withoutUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutUndefined);
  // a Map, Set or Date stays as it is, so the comparison fails on what JSON would mangle
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, withoutUndefined(x)]),
    );
  }
  return v;
}

test("every example's units get the spec the unit would have parsed from its resource, losslessly", async () => {
  const files = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(EXAMPLES, f));
  const loaded = await loadDeployments(files);
  const units = desiredUnits(loaded.specs, naming);
  assert.ok(units.length >= files.length, `${units.length} units from ${files.length} files`);
  for (const unit of units) {
    const file = `/tmp/serve/${unit.predictor}.json`;
    const read = readUnitSpec(unitSpecFile(unit, file), file);
    const direct = parseDeployment(unit.resource, { file, index: 0 }).spec;
    assert.deepStrictEqual(read, withoutUndefined(direct), unit.id);
    assert.equal(read.predictors.length, 1, unit.id);
    assert.equal(read.predictors[0]!.name, unit.predictor);
    assert.equal(read.source.file, file);
  }
});

test('a resource that does not validate is an error naming the unit, not a file the unit would refuse later', () => {
  const resource = {
    apiVersion: 'machinelearning.seldon.io/v1',
    kind: 'SeldonDeployment',
    metadata: { name: 'x' },
  };
  assert.throws(
    () => unitSpecFile({ id: 'default/x/p/0', resource }, '/tmp/x.json'),
    /^Error: unit default\/x\/p\/0: its resource does not validate: .*spec/,
  );
});
