import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadDeployments, parseDeploymentText, readResourceFiles, unreadableDiagnostic } from './index.js';

let dir = '';

const sdep = (name: string) => `apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata:
  name: ${name}
spec:
  predictors:
  - name: default
    graph: {name: classifier}
    componentSpecs:
    - spec:
        containers: [{name: classifier, image: img}]
`;

const mapping = `apiVersion: getambassador.io/v2
kind: Mapping
metadata: {name: m}
spec: {prefix: /x/, service: s:80}
`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdep-api-'));
  await mkdir(join(dir, 'tree', 'sub'), { recursive: true });
  await mkdir(join(dir, 'tree', '.hidden'), { recursive: true });
  await writeFile(join(dir, 'tree', 'b.yaml'), `${sdep('b')}---\n${mapping}---\n`);
  await writeFile(join(dir, 'tree', 'a.yml'), sdep('a'));
  await writeFile(
    join(dir, 'tree', 'sub', 'c.json'),
    JSON.stringify({
      ...JSON.parse('{}'),
      apiVersion: 'machinelearning.seldon.io/v1alpha2',
      kind: 'SeldonDeployment',
      metadata: { name: 'c' },
      spec: { predictors: [{ name: 'p', graph: { name: 'm', implementation: 'MOCK_CLASSIFIER' } }] },
    }),
  );
  await writeFile(join(dir, 'tree', 'sub', 'notes.txt'), 'not a resource');
  await writeFile(join(dir, 'tree', '.hidden', 'x.yaml'), sdep('hidden'));
  await symlink(join(dir, 'tree'), join(dir, 'tree', 'sub', 'loop'));
  await writeFile(
    join(dir, 'syntax.yaml'),
    `${sdep('ok')}---\napiVersion: v1\nkind: X\nmetadata:\n  name: [oops\n`,
  );
  await writeFile(
    join(dir, 'bomb.yaml'),
    `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
apiVersion: v1
kind: Bomb
`,
  );
  await writeFile(join(dir, 'big.yaml'), `${sdep('big')}# ${'x'.repeat(2000)}\n`);
  await writeFile(join(dir, 'secret.yaml'), sdep('secret'));
  await chmod(join(dir, 'secret.yaml'), 0o000);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a directory is read recursively and sorted; other kinds are returned; dot-entries and non-resource files skipped', async () => {
  const r = await readResourceFiles([join(dir, 'tree')]);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.unreadable, []);
  assert.deepEqual(
    r.documents.map((d) => [d.source.file.slice(dir.length + 1), d.source.index, d.kind]),
    [
      ['tree/a.yml', 0, 'SeldonDeployment'],
      ['tree/b.yaml', 0, 'SeldonDeployment'],
      ['tree/b.yaml', 1, 'Mapping'],
      ['tree/sub/c.json', 0, 'SeldonDeployment'],
    ],
  );
  assert.equal(r.documents[2]!.apiVersion, 'getambassador.io/v2');
});

test('loadDeployments picks SeldonDeployments from YAML and JSON', async () => {
  const r = await loadDeployments([join(dir, 'tree')]);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(
    r.specs.map((s) => [s.name, s.apiVersion]),
    [
      ['a', 'machinelearning.seldon.io/v1'],
      ['b', 'machinelearning.seldon.io/v1'],
      ['c', 'machinelearning.seldon.io/v1alpha2'],
    ],
  );
});

test('a YAML syntax error names file, document index and line:col; the good document still loads', async () => {
  const file = join(dir, 'syntax.yaml');
  const r = await loadDeployments([file]);
  assert.deepEqual(
    r.specs.map((s) => s.name),
    ['ok'],
  );
  assert.equal(r.diagnostics.length, 1);
  const d = r.diagnostics[0]!;
  assert.equal(d.code, 'SDEP_YAML_SYNTAX');
  assert.equal(d.severity, 'error');
  assert.equal(d.resource, `${file}#1`);
  assert.match(
    d.message,
    new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} document 1: line \\d+:\\d+: `),
  );
});

test('an alias bomb is refused with a diagnostic, not expanded', async () => {
  const r = await readResourceFiles([join(dir, 'bomb.yaml')]);
  assert.deepEqual(r.documents, []);
  assert.deepEqual(
    r.diagnostics.map((d) => d.code),
    ['SDEP_YAML_ALIASES'],
  );
  assert.match(r.diagnostics[0]!.message, /refused/);
});

test('files over the size cap are refused; the cap is configurable', async () => {
  const file = join(dir, 'big.yaml');
  const small = await readResourceFiles([file], { maxFileBytes: 1024 });
  assert.deepEqual(small.documents, []);
  assert.equal(small.diagnostics[0]?.code, 'SDEP_FILE_TOO_LARGE');
  assert.match(small.diagnostics[0]!.message, /over the 1024-byte limit/);
  const big = await readResourceFiles([file]);
  assert.equal(big.documents.length, 1);
});

test('missing and unreadable paths are listed, not thrown; the rest still loads', async () => {
  const missing = join(dir, 'nope.yaml');
  const r = await loadDeployments([missing, join(dir, 'tree', 'a.yml'), join(dir, 'secret.yaml')]);
  assert.deepEqual(
    r.specs.map((s) => s.name),
    process.getuid?.() === 0 ? ['a', 'secret'] : ['a'],
  );
  assert.equal(r.unreadable[0]?.path, missing);
  assert.match(r.unreadable[0]!.reason, /ENOENT/);
  if (process.getuid?.() !== 0) assert.match(r.unreadable[1]!.reason, /EACCES/);
  const d = unreadableDiagnostic(r.unreadable[0]!);
  assert.deepEqual([d.code, d.severity, d.resource, d.path], ['SDEP_FILE_UNREADABLE', 'error', missing, '']);
  assert.match(d.message, /^cannot read .*nope\.yaml: ENOENT/);
});

test('parseDeploymentText: multi-document text, empty documents skipped, duplicates refused', () => {
  const r = parseDeploymentText(`---\n${sdep('x')}---\n---\n${sdep('x')}---\n# only a comment\n`, 'mem.yaml');
  assert.deepEqual(
    r.specs.map((s) => [s.name, s.source.index]),
    [['x', 0]],
  );
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.resource, d.path]),
    [['SDEP_DUPLICATE_DEPLOYMENT', 'mem.yaml#2 SeldonDeployment default/x', 'metadata.name']],
  );
});

test('parseDeploymentText: non-resource documents warn; invalid SeldonDeployments report field paths', () => {
  const bad = sdep('bad').replace('graph: {name: classifier}', 'graph: {name: classifier}\n    traffic: 50');
  const r = parseDeploymentText(`[1, 2]\n---\n${bad}`, 'mem.yaml');
  assert.deepEqual(r.specs, []);
  assert.deepEqual(
    r.diagnostics.map((d) => [d.severity, d.code, d.resource, d.path]),
    [
      ['warning', 'SDEP_NOT_A_RESOURCE', 'mem.yaml#0', ''],
      [
        'error',
        'SDEP_TRAFFIC_SINGLE',
        'mem.yaml#1 SeldonDeployment default/bad',
        'spec.predictors[0].traffic',
      ],
    ],
  );
});

test('a self-referencing YAML alias is refused', () => {
  const r = parseDeploymentText('apiVersion: v1\nkind: SeldonDeployment\nx: &a [*a]\n', 'self.yaml');
  assert.deepEqual(
    r.diagnostics.map((d) => d.code),
    ['SDEP_DOCUMENT_TOO_DEEP'],
  );
});
