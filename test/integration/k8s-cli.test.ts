/**
 * The Kubernetes commands as a user runs them: `sdep render --k8s` (real
 * process, YAML on stdout) and `sdep operator` started as a real process
 * against the in-process fake API (a kubeconfig pointing at it, via
 * $KUBECONFIG): it creates the objects, writes status, and on SIGTERM
 * releases its Lease and exits 0.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';
import { selfCommand } from '../../src/cli/self-command.js';
import { resolveTls } from '../../src/gateway/tls.js';
import { FakeKubeApi, type Obj } from './operator-fake-api.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sdep-k8s-cli-'));
const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<Run> } {
  const { command, args: full } = selfCommand(args);
  const child = spawn(command, full, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b) => {
    stdout += b;
  });
  child.stderr?.on('data', (b) => {
    stderr += b;
  });
  const done = new Promise<Run>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sdep ${args.join(' ')} timed out; stderr:\n${stderr}`));
    }, 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

const sdep = (...args: string[]): Promise<Run> => start(args).done;

async function waitFor(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

test('sdep render --k8s: valid Kubernetes objects as YAML; v1 annotation by default, Mappings with --ambassador-api v2', async () => {
  const r = await sdep('render', '--k8s', '--image', 'sdep:e2e', 'examples/canary.yaml');
  assert.equal(r.code, 0, r.stderr);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
  assert.deepEqual(
    docs.map((d) => `${d.kind}/${d.metadata.name}`),
    [
      'ConfigMap/example-main-sdep',
      'ConfigMap/example-canary-sdep',
      'Deployment/example-main',
      'Deployment/example-canary',
      'Service/example-main',
      'Service/example-canary',
    ],
  );
  for (const d of docs) {
    if (d.kind === 'Deployment') new Deployment(d as never).validate();
    else if (d.kind === 'Service') new Service(d as never).validate();
    else new ConfigMap(d as never).validate();
  }
  const svc = docs.find((d) => d.kind === 'Service') as Obj;
  assert.match(
    String(svc.metadata.annotations?.['getambassador.io/config']),
    /apiVersion: ambassador\/v1\nkind: Mapping/,
  );
  const dep = docs.find((d) => d.kind === 'Deployment') as Obj;
  assert.match(JSON.stringify(dep), /"image":"sdep:e2e"/);

  const v2 = await sdep('render', '--k8s', '--ambassador-api', 'v2', 'examples/canary.yaml');
  assert.equal(v2.code, 0, v2.stderr);
  const kinds = parseAllDocuments(v2.stdout).map((d) => (d.toJS() as Obj).kind);
  assert.equal(kinds.filter((k) => k === 'Mapping').length, 4);
});

test('sdep render --k8s: a bad deployment is left out with its field path on stderr, exit 1; --format is refused', async () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(
    bad,
    readFileSync(join(ROOT, 'examples/canary.yaml'), 'utf8').replace('traffic: 25', 'traffic: 20'),
  );
  const r = await sdep('render', '--k8s', bad, 'examples/mymodel.yaml');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /spec\.predictors\[1\]\.traffic: .*SDEP_TRAFFIC_SUM/);
  const names = parseAllDocuments(r.stdout).map((d) => (d.toJS() as Obj).metadata.name);
  assert.deepEqual(names, ['mymodel-default-sdep', 'mymodel-default', 'mymodel-default']);

  const f = await sdep('render', '--k8s', '--format', 'v3alpha1', 'examples/canary.yaml');
  assert.equal(f.code, 2);
  assert.match(f.stderr, /--format and --ambassador-id do not apply to --k8s/);
  assert.equal(f.stdout, '');
});

test('sdep operator (real process, fake API over HTTPS via KUBECONFIG): creates the objects, writes status, releases its Lease and exits 0 on SIGTERM', async () => {
  const api = new FakeKubeApi();
  // HTTPS with a CA and a bearer token in the kubeconfig, as a real cluster's.
  const tls = await resolveTls('self-signed');
  const url = await api.start({ tls: { cert: String(tls.cert), key: String(tls.key) } });
  const ca = Buffer.from(String(tls.cert)).toString('base64');
  try {
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster: {server: "${url}", certificate-authority-data: ${ca}}
users:
- name: u
  user: {token: test-token}
contexts:
- name: c
  context: {cluster: fake, user: u, namespace: team-a}
current-context: c
`,
    );
    const canary = parse(readFileSync(join(ROOT, 'examples/canary.yaml'), 'utf8')) as Obj;
    api.put('machinelearning.seldon.io', 'seldondeployments', {
      ...canary,
      apiVersion: 'machinelearning.seldon.io/v1',
      metadata: { name: 'example', namespace: 'team-a' },
    });
    const { child, done } = start(
      ['operator', '--ambassador-api', 'v2', '--leader-elect', '--lease-name', 'sdep-test'],
      // As deploy/30-operator.yaml runs it: the executor image from SDEP_IMAGE, identity and Lease namespace from the pod.
      {
        KUBECONFIG: kubeconfig,
        SDEP_IMAGE: 'sdep:e2e',
        POD_NAME: 'operator-0',
        POD_NAMESPACE: 'sdep-system',
      },
    );
    const status = () =>
      api.get('machinelearning.seldon.io', 'seldondeployments', 'team-a', 'example')?.status as
        | { state?: string }
        | undefined;
    await waitFor('status Available', () => status()?.state === 'Available' || child.exitCode !== null);
    assert.equal(child.exitCode, null, 'the operator is still running');

    // The namespace of the kubeconfig context, the executor image ($SDEP_IMAGE) and the field manager.
    const dep = api.get('apps', 'deployments', 'team-a', 'example-main');
    assert.ok(dep);
    const containers = (dep.spec as { template: { spec: { containers: { name: string; image: string }[] } } })
      .template.spec.containers;
    assert.equal(containers.find((c) => c.name === 'sdep-executor')?.image, 'sdep:e2e');
    assert.ok(api.get('getambassador.io', 'mappings', 'team-a', 'seldon-team-a-example-canary-rest'));
    const applies = api.requests.filter((r) => r.contentType === 'application/apply-patch+yaml');
    assert.equal(applies.length, 10);
    for (const r of applies) assert.equal(r.query.fieldManager, 'sdep');
    // Every request, watches included, carried the kubeconfig's token.
    assert.ok(api.requests.some((r) => r.query.watch === 'true'));
    assert.deepEqual([...new Set(api.requests.map((r) => r.authorization))], ['Bearer test-token']);
    const lease = api.get('coordination.k8s.io', 'leases', 'sdep-system', 'sdep-test');
    assert.equal((lease?.spec as { holderIdentity?: string } | undefined)?.holderIdentity, 'operator-0');

    child.kill('SIGTERM');
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /stopped/);
    const released = api.get('coordination.k8s.io', 'leases', 'sdep-system', 'sdep-test');
    assert.equal((released?.spec as { holderIdentity?: string } | undefined)?.holderIdentity, '');
  } finally {
    await api.stop();
  }
});

test('sdep operator: --namespace with --all-namespaces is a usage error (exit 2)', async () => {
  const r = await sdep('operator', '--namespace', 'a', '--all-namespaces');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--namespace <ns> or --all-namespaces, not both/);
});
