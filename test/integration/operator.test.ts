/**
 * The operator against an in-process fake of the Kubernetes API
 * (operator-fake-api.ts): what it sends on a first reconcile, that an
 * unchanged resource costs no writes, deletions, invalid resources, and
 * back-off on API errors. Real HTTP on 127.0.0.1, ephemeral ports.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { parse, parseAllDocuments } from 'yaml';
import { ambassadorRenderer } from '../../src/k8s/ambassador-adapter.js';
import { type AmbassadorApi, defaultK8sOptions } from '../../src/k8s/k8s-options.js';
import { httpKubeClient } from '../../src/k8s/kube-client.js';
import { type LeaderElectionConfig, Operator } from '../../src/k8s/operator.js';
import { FakeKubeApi, type Obj, type RecordedRequest } from './operator-fake-api.js';

const SDEP = ['machinelearning.seldon.io', 'seldondeployments'] as const;
const canaryDoc = parse(readFileSync(new URL('../../examples/canary.yaml', import.meta.url), 'utf8')) as Obj;

function canary(namespace = 'default'): Obj {
  return { ...structuredClone(canaryDoc), metadata: { name: 'example', namespace } };
}

interface Harness {
  api: FakeKubeApi;
  op: Operator;
  warnings: string[];
  kc: KubeConfig;
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  if (process.env.FAKE_DEBUG) {
    setTimeout(() => {
      const p = process as unknown as { _getActiveHandles(): object[] };
      console.error(p._getActiveHandles().map((h) => h.constructor.name));
    }, 500).unref();
  }
});

function kubeConfig(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'c', cluster: 'fake', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

function makeOperator(
  kc: KubeConfig,
  warnings: string[],
  opts: { api?: AmbassadorApi; namespace?: string | null; leaderElection?: LeaderElectionConfig } = {},
): Operator {
  const op = new Operator({
    kubeConfig: kc,
    client: httpKubeClient(kc, { timeoutMs: 5000 }),
    renderer: ambassadorRenderer,
    k8s: defaultK8sOptions({ ambassadorApi: opts.api ?? 'v2', image: 'sdep:test' }),
    namespace: opts.namespace === null ? undefined : (opts.namespace ?? 'default'),
    resyncMs: 400,
    backoffBaseMs: 10,
    backoffMaxMs: 80,
    leaderElection: opts.leaderElection,
    log: { info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
  });
  cleanups.push(() => op.stop());
  return op;
}

async function harness(opts: { api?: AmbassadorApi; namespace?: string | null } = {}): Promise<Harness> {
  const api = new FakeKubeApi();
  const url = await api.start();
  cleanups.push(() => api.stop());
  const kc = kubeConfig(url);
  const warnings: string[] = [];
  const op = makeOperator(kc, warnings, opts);
  return { api, op, warnings, kc };
}

/** Polls (bounded) until `cond` holds. */
async function waitFor(what: string, cond: () => boolean, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Lets watch events and a few resyncs go through, then waits for the queue to drain. */
async function settle(op: Operator): Promise<void> {
  await sleep(100);
  await op.queue.idle();
}

function status(api: FakeKubeApi, ns = 'default', name = 'example'): Record<string, unknown> | undefined {
  return api.get(...SDEP, ns, name)?.status as Record<string, unknown> | undefined;
}

const describe = (r: RecordedRequest): string => `${r.method} ${r.path}`;

test('first reconcile: server-side applies every object, then writes status once; a re-reconcile writes nothing', async () => {
  const { api, op } = await harness();
  api.put(...SDEP, canary());
  op.start();
  await waitFor('status Available', () => status(api)?.state === 'Available');
  await settle(op);

  const writes = api.writes();
  const applies = writes.filter((r) => r.contentType === 'application/apply-patch+yaml');
  assert.deepEqual(applies.map(describe).sort(), [
    'PATCH /api/v1/namespaces/default/configmaps/example-canary-sdep',
    'PATCH /api/v1/namespaces/default/configmaps/example-main-sdep',
    'PATCH /api/v1/namespaces/default/services/example-canary',
    'PATCH /api/v1/namespaces/default/services/example-main',
    'PATCH /apis/apps/v1/namespaces/default/deployments/example-canary',
    'PATCH /apis/apps/v1/namespaces/default/deployments/example-main',
    'PATCH /apis/getambassador.io/v2/namespaces/default/mappings/seldon-default-example-canary-grpc',
    'PATCH /apis/getambassador.io/v2/namespaces/default/mappings/seldon-default-example-canary-rest',
    'PATCH /apis/getambassador.io/v2/namespaces/default/mappings/seldon-default-example-main-grpc',
    'PATCH /apis/getambassador.io/v2/namespaces/default/mappings/seldon-default-example-main-rest',
  ]);
  for (const r of applies) assert.deepEqual(r.query, { fieldManager: 'sdep', force: 'true' });
  const statusWrites = writes.filter((r) => r.path.endsWith('/status'));
  assert.equal(statusWrites.length, 1, JSON.stringify(statusWrites));
  assert.equal(statusWrites[0]?.contentType, 'application/merge-patch+json');
  assert.equal(writes.length, applies.length + 1, writes.map(describe).join('\n'));

  const st = status(api) as { state: string; deploymentStatus: Record<string, unknown>; replicas: number };
  assert.equal(st.state, 'Available');
  assert.deepEqual(st.deploymentStatus['example-canary'], {
    name: 'example-canary',
    predictor: 'canary',
    replicas: 1,
    availableReplicas: 1,
  });
  const dep = api.get('apps', 'deployments', 'default', 'example-main');
  const sdepUid = api.get(...SDEP, 'default', 'example')?.metadata.uid;
  assert.ok(dep);
  assert.equal((dep.metadata.ownerReferences as { uid: string }[])[0]?.uid, sdepUid);

  // Idempotence: reconciling the unchanged resource again reads but sends no write.
  const before = api.requests.length;
  await op.reconcile('default/example');
  await op.reconcile('default/example');
  assert.ok(api.requests.length > before, 'a reconcile lists what it owns');
  assert.equal(
    api.writes().length,
    writes.length,
    api.writes().slice(writes.length).map(describe).join('\n'),
  );
});

test('status is Creating until the Deployments report their replicas available', async () => {
  const { api, op } = await harness({ api: 'v1' });
  api.deploymentsBecomeAvailable = false;
  api.put(...SDEP, canary());
  op.start();
  await waitFor('status Creating', () => status(api)?.state === 'Creating');
  // v1 form: the annotation on the Services, no Mapping resources listed or written.
  assert.equal(
    api.requests.some((r) => r.path.includes('getambassador.io')),
    false,
  );
  const svc = api.get('', 'services', 'default', 'example-main');
  assert.match(String(svc?.metadata.annotations?.['getambassador.io/config']), /apiVersion: ambassador\/v1/);
  // The pods come up: the Deployment watch triggers a reconcile of the owner.
  const dep = api.get('apps', 'deployments', 'default', 'example-main') as Obj;
  api.put('apps', 'deployments', { ...dep, status: { replicas: 1, availableReplicas: 1 } });
  const dep2 = api.get('apps', 'deployments', 'default', 'example-canary') as Obj;
  api.put('apps', 'deployments', { ...dep2, status: { replicas: 1, availableReplicas: 1 } });
  await waitFor('status Available', () => status(api)?.state === 'Available');
});

test('removing a predictor deletes its objects (by label) and its status entry', async () => {
  const { api, op } = await harness();
  api.put(...SDEP, canary());
  op.start();
  await waitFor('status Available', () => status(api)?.state === 'Available');
  await settle(op);
  const n = api.writes().length;

  const edited = api.get(...SDEP, 'default', 'example') as Obj;
  const spec = edited.spec as { predictors: Record<string, unknown>[] };
  spec.predictors = [{ ...spec.predictors[0], traffic: 100 }];
  api.put(...SDEP, edited);
  await waitFor('canary gone', () => !api.get('apps', 'deployments', 'default', 'example-canary'));
  await settle(op);

  const later = api.writes().slice(n);
  const deletes = later.filter((r) => r.method === 'DELETE').map((r) => r.path);
  assert.deepEqual(deletes.sort(), [
    '/api/v1/namespaces/default/configmaps/example-canary-sdep',
    '/api/v1/namespaces/default/services/example-canary',
    '/apis/apps/v1/namespaces/default/deployments/example-canary',
    '/apis/getambassador.io/v2/namespaces/default/mappings/seldon-default-example-canary-grpc',
    '/apis/getambassador.io/v2/namespaces/default/mappings/seldon-default-example-canary-rest',
  ]);
  const st = status(api) as { deploymentStatus: Record<string, unknown> };
  assert.deepEqual(Object.keys(st.deploymentStatus), ['example-main']);
  // The status patch removes the entry explicitly (merge patch null).
  const patch = later.find((r) => r.path.endsWith('/status'))?.body as {
    status: { deploymentStatus: Record<string, unknown> };
  };
  assert.equal(patch.status.deploymentStatus['example-canary'], null);
  assert.ok(api.get('apps', 'deployments', 'default', 'example-main'), 'main is kept');
});

test('an invalid SeldonDeployment gets status Failed with the field path, and nothing is applied', async () => {
  const { api, op, warnings } = await harness();
  const bad = canary();
  const preds = (bad.spec as { predictors: { traffic: number }[] }).predictors;
  (preds[1] as { traffic: number }).traffic = 20;
  api.put(...SDEP, bad);
  op.start();
  await waitFor('status Failed', () => status(api)?.state === 'Failed');
  await settle(op);
  const st = status(api) as { description: string };
  assert.match(st.description, /spec\.predictors/);
  assert.match(st.description, /SDEP_TRAFFIC_SUM/);
  assert.equal(api.writes().filter((r) => r.method === 'PATCH' && !r.path.endsWith('/status')).length, 0);
  assert.equal(api.writes().length, 1);
  assert.ok(warnings.some((w) => w.includes('SDEP_K8S_INVALID_RESOURCE')));

  // Fixed: the description goes away and the objects are created.
  const fixed = api.get(...SDEP, 'default', 'example') as Obj;
  ((fixed.spec as { predictors: { traffic: number }[] }).predictors[1] as { traffic: number }).traffic = 25;
  api.put(...SDEP, fixed);
  await waitFor('status Available', () => status(api)?.state === 'Available');
  assert.equal(status(api)?.description, undefined);
});

test('API 500s are retried with exponential back-off until the apply goes through', async () => {
  const { api, op, warnings } = await harness();
  api.failNext('PATCH', /\/deployments\/example-main$/, 3, 500);
  api.put(...SDEP, canary());
  op.start();
  await waitFor('status Available', () => status(api)?.state === 'Available');
  const attempts = api.requests.filter(
    (r) => r.method === 'PATCH' && r.path.endsWith('/deployments/example-main'),
  );
  assert.equal(attempts.length, 4);
  const delays = warnings
    .filter((w) => w.startsWith('reconcile default/example failed'))
    .map((w) => Number(/retrying in (\d+) ms/.exec(w)?.[1]));
  assert.deepEqual(delays, [10, 20, 40]);
  await waitFor('failures reset', () => op.queue.failureCount('default/example') === 0);
});

test('all namespaces: watches cluster-wide and creates objects in the resource namespace', async () => {
  const { api, op } = await harness({ namespace: null, api: 'v3alpha1' });
  api.put(...SDEP, canary('team-a'));
  op.start();
  await waitFor('status Available', () => status(api, 'team-a')?.state === 'Available');
  assert.ok(api.requests.some((r) => r.path === '/apis/machinelearning.seldon.io/v1/seldondeployments'));
  assert.ok(api.get('getambassador.io', 'mappings', 'team-a', 'seldon-team-a-example-main-rest'));
  assert.equal(
    api.get('getambassador.io', 'mappings', 'team-a', 'seldon-team-a-example-main-rest')?.apiVersion,
    'getambassador.io/v3alpha1',
  );
});

test('leader election: only the Lease holder reconciles; a released lease passes to the other replica', async () => {
  const api = new FakeKubeApi();
  const url = await api.start();
  cleanups.push(() => api.stop());
  const kc = kubeConfig(url);
  const le = (identity: string): LeaderElectionConfig => ({
    namespace: 'sdep-system',
    name: 'sdep-operator',
    identity,
    leaseDurationSeconds: 15,
    retryPeriodMs: 30,
    renewDeadlineMs: 1000,
  });
  const a = makeOperator(kc, [], { leaderElection: le('a') });
  const b = makeOperator(kc, [], { leaderElection: le('b') });
  api.put(...SDEP, canary());
  a.start();
  await waitFor('a leads', () => a.running);
  b.start();
  await waitFor('status Available', () => status(api)?.state === 'Available');
  await sleep(150);
  assert.equal(b.running, false, 'b follows while a renews');
  const lease = api.get('coordination.k8s.io', 'leases', 'sdep-system', 'sdep-operator');
  assert.ok(lease);
  assert.equal((lease.spec as { holderIdentity: string }).holderIdentity, 'a');

  await a.stop();
  await waitFor('b leads', () => b.running);
  const lease2 = api.get('coordination.k8s.io', 'leases', 'sdep-system', 'sdep-operator');
  assert.ok(lease2);
  assert.equal((lease2.spec as { holderIdentity: string }).holderIdentity, 'b');
  assert.equal((lease2.spec as { leaseTransitions: number }).leaseTransitions, 0);
});

/** An API request as the RBAC verb it needs: `group/resource[/status] verb`. */
function rbacVerb(r: RecordedRequest): { key: string; namespace?: string } {
  const m =
    /^(?:\/api\/v1|\/apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([a-z0-9]+)(?:\/([^/]+))?(?:\/(status))?$/.exec(
      r.path,
    );
  assert.ok(m, r.path);
  const [, group = '', namespace, plural, name, sub] = m;
  const verb =
    r.method === 'GET'
      ? r.query.watch === 'true'
        ? 'watch'
        : name
          ? 'get'
          : 'list'
      : ({ POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as Record<string, string>)[
          r.method
        ];
  return { key: `${group}/${plural}${sub ? `/${sub}` : ''} ${verb}`, namespace };
}

function rbacGrants(kind: 'ClusterRole' | 'Role'): Set<string> {
  const text = readFileSync(new URL('../../deploy/20-rbac.yaml', import.meta.url), 'utf8');
  const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind: string; rules?: Rule[] });
  const out = new Set<string>();
  for (const d of docs.filter((x) => x.kind === kind))
    for (const r of d.rules ?? [])
      for (const g of r.apiGroups)
        for (const res of r.resources) for (const v of r.verbs) out.add(`${g}/${res} ${v}`);
  return out;
}

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

test('every request the operator sends is allowed by deploy/20-rbac.yaml (apply, delete, status, watch, Lease)', async () => {
  const api = new FakeKubeApi();
  const url = await api.start();
  cleanups.push(() => api.stop());
  const kc = kubeConfig(url);
  const le: LeaderElectionConfig = {
    namespace: 'sdep-system',
    name: 'sdep-operator',
    identity: 'a',
    retryPeriodMs: 30,
    renewDeadlineMs: 1000,
  };
  const op = makeOperator(kc, [], { api: 'v2', namespace: null, leaderElection: le });
  const tls = canary('team-a');
  (tls.spec as { predictors: Record<string, unknown>[] }).predictors[0]!.ssl = { certSecretName: 'my-cert' };
  api.put(...SDEP, tls);
  op.start();
  await waitFor('status Available', () => status(api, 'team-a')?.state === 'Available');
  await settle(op);
  const edited = api.get(...SDEP, 'team-a', 'example') as Obj;
  const spec = edited.spec as { predictors: Record<string, unknown>[] };
  spec.predictors = [{ ...spec.predictors[1], traffic: 100 }];
  api.put(...SDEP, edited);
  await waitFor('main gone', () => !api.get('apps', 'deployments', 'team-a', 'example-main'));
  await settle(op);
  await op.stop();

  const cluster = rbacGrants('ClusterRole');
  const role = rbacGrants('Role');
  const used = new Set<string>();
  for (const r of api.requests) {
    const { key, namespace } = rbacVerb(r);
    used.add(key);
    if (key.startsWith('coordination.k8s.io/leases ')) {
      assert.equal(namespace, 'sdep-system', 'the Lease Role is namespaced');
      assert.ok(role.has(key), `Role lacks ${key}`);
    } else {
      assert.ok(cluster.has(key), `ClusterRole lacks ${key}`);
    }
  }
  // The scenario did exercise the interesting verbs.
  for (const k of [
    'apps/deployments watch',
    'getambassador.io/tlscontexts patch',
    'getambassador.io/tlscontexts delete',
    'getambassador.io/mappings delete',
    'machinelearning.seldon.io/seldondeployments/status patch',
    'coordination.k8s.io/leases update',
  ])
    assert.ok(used.has(k), `not exercised: ${k}`);
});

test('a deleted SeldonDeployment costs no writes: its objects carry ownerReferences for the garbage collector', async () => {
  const { api, op } = await harness();
  api.put(...SDEP, canary());
  op.start();
  await waitFor('status Available', () => status(api)?.state === 'Available');
  await settle(op);
  const uid = api.get(...SDEP, 'default', 'example')?.metadata.uid;
  for (const [group, plural] of [
    ['', 'configmaps'],
    ['apps', 'deployments'],
    ['', 'services'],
    ['getambassador.io', 'mappings'],
  ] as const) {
    for (const o of api.list(group, plural))
      assert.deepEqual(
        (o.metadata.ownerReferences as { uid: string; controller: boolean }[]).map((r) => [
          r.uid,
          r.controller,
        ]),
        [[uid, true]],
        `${plural}/${o.metadata.name}`,
      );
  }
  const n = api.writes().length;
  api.remove(...SDEP, 'default', 'example');
  await sleep(600); // past a resync (400 ms)
  await op.queue.idle();
  assert.equal(api.writes().length, n, api.writes().slice(n).map(describe).join('\n'));
});

test('stop() waits for the reconcile in flight to finish its write before it returns (and before the Lease goes)', async () => {
  const { api, op } = await harness();
  api.slowNext('PATCH', /\/deployments\/example-main$/, 1, 300);
  api.put(...SDEP, canary());
  op.start();
  await waitFor('the slow apply is sent', () =>
    api.requests.some((r) => r.method === 'PATCH' && r.path.endsWith('/deployments/example-main')),
  );
  assert.equal(api.get('apps', 'deployments', 'default', 'example-main'), undefined, 'still in flight');
  await op.stop();
  assert.ok(
    api.get('apps', 'deployments', 'default', 'example-main'),
    'the write landed before stop() returned',
  );
  const n = api.requests.length;
  await sleep(100);
  assert.equal(api.requests.length, n, 'nothing is sent after stop()');
});
