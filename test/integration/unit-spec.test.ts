/** `sdep unit --spec`: the file `sdep serve` writes, served without parsing the deployment again. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeFirstUnitSpec } from '../fixtures/first-unit-spec.js';
import {
  postJson,
  ROOT,
  runUnitExpectingFailure,
  startUnitProcess,
  type UnitProcess,
} from './unit-harness.js';

const SEED_BODY = { data: { names: ['a', 'b'], tensor: { shape: [2, 2], values: [0, 0, 1, 1] } } };
const SEED_VALUES = [0.05133579311531625, 0.12823373759251927];

let dir: string;
let specFile: string;
let unit: UnitProcess | undefined;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdep-unit-spec-'));
  specFile = join(dir, 'unit.json');
  await writeFirstUnitSpec(join(ROOT, 'examples/mymodel.yaml'), specFile);
});

after(async () => {
  const code = await unit?.stop();
  await rm(dir, { recursive: true, force: true });
  assert.equal(code ?? 0, 0, 'SIGTERM closes the unit gracefully');
});

test("a unit started from a spec file answers the seed's request exactly, over REST and with /ready", async () => {
  unit = await startUnitProcess([
    '--spec',
    specFile,
    '--predictor',
    'default',
    '--base-dir',
    join(ROOT, 'examples'),
  ]);
  const r = await postJson(`${unit.base}/api/v1.0/predictions`, SEED_BODY);
  assert.equal(r.status, 200);
  assert.deepEqual((r.json.data as { tensor: unknown }).tensor, { shape: [2, 1], values: SEED_VALUES });
  assert.equal((await fetch(`${unit.base}/ready`)).status, 200);
});

test('a predictor the spec does not hold is refused with the ones it has', async () => {
  const r = await runUnitExpectingFailure(['--spec', specFile, '--predictor', 'canary']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /has no predictor 'canary' \(has: default\)/);
});

test('a SeldonDeployment given to --spec is refused, pointing at --deployment', async () => {
  const r = await runUnitExpectingFailure(['--spec', 'examples/mymodel.yaml', '--predictor', 'default']);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /examples\/mymodel\.yaml: not an sdep unit spec \(\(document\): not JSON.*goes to --deployment/,
  );
});

test('--spec and --deployment together, or neither, is refused', async () => {
  for (const args of [
    ['--spec', specFile, '--deployment', 'examples/mymodel.yaml', '--predictor', 'default'],
    ['--predictor', 'default'],
  ]) {
    const r = await runUnitExpectingFailure(args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, /give one of --deployment <file> and --spec <file>/);
  }
});
