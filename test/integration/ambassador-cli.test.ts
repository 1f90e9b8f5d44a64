/**
 * `sdep validate` and `sdep render` as a user runs them: real processes,
 * exit codes, stdout (results, YAML) and stderr (diagnostics).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { selfCommand } from '../../src/cli/self-command.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sdep-ambassador-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sdep(...args: string[]): Promise<Run> {
  const { command, args: full } = selfCommand(args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, full, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => {
      stdout += b;
    });
    child.stderr.on('data', (b) => {
      stderr += b;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sdep ${args.join(' ')} timed out`));
    }, 120000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function sdepDoc(name: string, annotations: Record<string, string>): string {
  const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
  if (lines.length === 0) lines.push('    {}');
  return `apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata:
  name: ${name}
spec:
  annotations:
${lines.join('\n')}
  predictors:
  - name: default
    graph: {name: classifier, type: MODEL}
    componentSpecs: [{spec: {containers: [{name: classifier, image: seldonio/mock_classifier:1.18.2}]}}]
`;
}

type Obj = Record<string, unknown>;
const yamlObjects = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as Obj);

test('validate examples/: exit 0, one line per deployment with predictors, traffic and Mapping count', async () => {
  const r = await sdep('validate', 'examples');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 7);
  assert.ok(
    lines.includes(
      'valid: SeldonDeployment default/example (examples/canary.yaml): predictors main 75%, canary 25%; 4 Mappings',
    ),
    r.stdout,
  );
  assert.ok(lines.some((l) => l.includes('shadow-example') && l.includes('shadow (shadow)')));
});

test('validate prints every diagnostic and exits 1; a good file beside it is still listed; 2 when unreadable', {
  timeout: 300000,
}, async () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(
    bad,
    `${sdepDoc('bad', {
      'seldon.io/rest-timeout': 'abc',
      'seldon.io/ambassador-header': 'a:b:c',
      'seldon.io/ambassador-circuit-breakers-max-requests': '-1',
    })}---\n${sdepDoc('custom', {
      'seldon.io/ambassador-config':
        'apiVersion: ambassador/v1\nkind: Mapping\nname: x\nprefx: /a/\nservice: s:80',
    })}`,
  );
  const good = join(dir, 'good.yaml');
  writeFileSync(good, sdepDoc('good', { 'seldon.io/grpc-timeout': '5000' }));
  // One after the other: the machine is small and shared.
  const r = await sdep('validate', bad, good);
  const missing = await sdep('validate', good, join(dir, 'nope.yaml'));
  assert.equal(r.code, 1);
  for (const needle of [
    'spec.annotations["seldon.io/rest-timeout"]: annotation seldon.io/rest-timeout: "abc" is not a non-negative integer',
    'seldon.io/ambassador-header: cannot parse "a:b:c"',
    'seldon.io/ambassador-circuit-breakers-max-requests: "-1"',
    'spec.annotations["seldon.io/ambassador-config"][0].prefx: unknown field "prefx" (did you mean "prefix"?) in annotation seldon.io/ambassador-config',
  ]) {
    assert.ok(r.stderr.includes(needle), `missing ${needle} in\n${r.stderr}`);
  }
  assert.equal(r.stderr.trim().split('\n').length, 5, 'rest-timeout, header, breaker, prefx, missing prefix');
  assert.match(r.stdout, /^valid: SeldonDeployment default\/good .*; 2 Mappings\n$/);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read .*nope\.yaml/);
});

test('render examples/canary.yaml --format v2: weights, prefixes, rewrite, services, timeouts; YAML only on stdout', async () => {
  const r = await sdep('render', 'examples/canary.yaml', '--format', 'v2');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const objects = yamlObjects(r.stdout);
  const rest = objects.filter((o) => (o.spec as Obj).grpc !== true);
  assert.deepEqual(
    rest.map((o) => {
      const s = o.spec as Obj;
      return [o.apiVersion, o.kind, s.prefix, s.rewrite, s.service, s.timeout_ms, s.weight];
    }),
    [
      [
        'getambassador.io/v2',
        'Mapping',
        '/seldon/default/example/',
        '/',
        'example-main.default:8000',
        3000,
        undefined,
      ],
      [
        'getambassador.io/v2',
        'Mapping',
        '/seldon/default/example/',
        '/',
        'example-canary.default:8000',
        3000,
        25,
      ],
    ],
  );
  const grpc = objects.filter((o) => (o.spec as Obj).grpc === true);
  assert.deepEqual(
    grpc.map((o) => [(o.spec as Obj).service, (o.spec as Obj).weight]),
    [
      ['example-main.default:5001', undefined],
      ['example-canary.default:5001', 25],
    ],
  );
});

test('render --format v3alpha1 --single-namespace --ambassador-id; --format ambassador-v1; bad input exits 1', {
  timeout: 400000,
}, async () => {
  const bad = join(dir, 'render-bad.yaml');
  writeFileSync(
    bad,
    `${sdepDoc('broken', { 'seldon.io/ambassador-retries': 'x' })}---\n${sdepDoc('fine', {})}`,
  );
  const v3 = await sdep(
    'render',
    'examples/mymodel.yaml',
    '--format',
    'v3alpha1',
    '--single-namespace',
    '--ambassador-id',
    'edge',
  );
  const v1 = await sdep('render', 'examples/shadow.yaml', '--format', 'ambassador-v1');
  const broken = await sdep('render', bad);
  assert.equal(v3.code, 0, v3.stderr);
  const mappings = yamlObjects(v3.stdout);
  assert.equal(mappings.length, 4);
  for (const m of mappings) {
    const spec = m.spec as Obj;
    assert.equal(m.apiVersion, 'getambassador.io/v3alpha1');
    assert.equal(spec.hostname, '*');
    assert.deepEqual(spec.ambassador_id, ['edge']);
  }
  assert.ok(mappings.some((m) => (m.spec as Obj).prefix === '/seldon/mymodel/'));

  assert.equal(v1.code, 0, v1.stderr);
  const services = yamlObjects(v1.stdout);
  assert.deepEqual(
    services.map((s) => [s.kind, (s.metadata as Obj).name]),
    [
      ['Service', 'shadow-example-main'],
      ['Service', 'shadow-example-shadow'],
    ],
  );
  const annotation = ((services[1]!.metadata as Obj).annotations as Record<string, string>)[
    'getambassador.io/config'
  ];
  assert.match(annotation ?? '', /name: seldon_default_shadow-example_shadow_rest_mapping\n/);
  assert.match(annotation ?? '', /shadow: true\n/);

  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /seldon\.io\/ambassador-retries: "x"/);
  assert.ok(broken.stdout.includes('/seldon/default/fine/'), 'the valid deployment is still rendered');
  assert.ok(!broken.stdout.includes('broken'), 'the bad one is left out');
});
