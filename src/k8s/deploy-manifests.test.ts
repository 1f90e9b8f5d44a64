/**
 * deploy/: the CRD stays what src/api/crd-schema.ts generates, every object
 * is valid against the Kubernetes OpenAPI schema (kubernetes-models), the
 * RBAC rules grant exactly the verbs the operator's code uses, and the
 * operator Deployment runs flags the CLI actually has.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Namespace, ServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { buildProgram } from '../cli/program.js';
import { CRD_VERSIONS, seldonDeploymentCrd, seldonDeploymentCrdYaml } from './crd-manifest.js';
import { DEFAULT_IMAGE } from './k8s-options.js';
import type { KubeObject } from './kube-object.js';
import { DEPLOYMENTS, LEASES, ownedResources, SELDON_DEPLOYMENTS } from './resources.js';

const deployDir = new URL('../../deploy/', import.meta.url);
const files = readdirSync(deployDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const docs: KubeObject[] = files.flatMap((f) =>
  parseAllDocuments(readFileSync(new URL(f, deployDir), 'utf8')).map((d) => d.toJS() as KubeObject),
);
const find = (kind: string, name: string): KubeObject => {
  const o = docs.find((d) => d.kind === kind && d.metadata.name === name);
  assert.ok(o, `${kind} ${name} in deploy/`);
  return o;
};

const MODELS: Record<string, new (o: never) => { validate(): void }> = {
  CustomResourceDefinition,
  Deployment,
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
  Namespace,
  ServiceAccount,
};

test('deploy/10-crd.yaml is what src/api/crd-schema.ts generates (npx tsx scripts/deploy-crd.ts --write)', () => {
  assert.equal(readFileSync(new URL('10-crd.yaml', deployDir), 'utf8'), seldonDeploymentCrdYaml());
  const crd = seldonDeploymentCrd();
  const spec = crd.spec as { versions: { name: string; storage: boolean; subresources: unknown }[] };
  assert.deepEqual(
    spec.versions.map((v) => v.name),
    [...CRD_VERSIONS],
  );
  assert.deepEqual(
    spec.versions.filter((v) => v.storage).map((v) => v.name),
    ['v1'],
  );
  for (const v of spec.versions) assert.deepEqual(v.subresources, { status: {} });
});

test('kubectl apply -f deploy/ order: the Namespace and the CRD come before the objects that need them', () => {
  assert.deepEqual(files, ['00-namespace.yaml', '10-crd.yaml', '20-rbac.yaml', '30-operator.yaml']);
  assert.equal(docs[0]?.kind, 'Namespace');
});

test('every object in deploy/ is valid against the Kubernetes OpenAPI schema', () => {
  for (const d of docs) {
    const Model = MODELS[d.kind];
    assert.ok(Model, `no model for ${d.kind}`);
    new Model(JSON.parse(JSON.stringify(d)) as never).validate();
  }
  for (const d of docs)
    if (
      d.kind !== 'ClusterRole' &&
      d.kind !== 'ClusterRoleBinding' &&
      d.kind !== 'Namespace' &&
      d.kind !== 'CustomResourceDefinition'
    )
      assert.equal(d.metadata.namespace, 'sdep-system', `${d.kind} ${d.metadata.name}`);
});

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

/** group/resource → verbs granted. */
function grants(rules: Rule[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of rules) {
    for (const g of r.apiGroups)
      for (const res of r.resources) {
        assert.notEqual(g, '*');
        assert.notEqual(res, '*');
        const key = `${g}/${res}`;
        const set = out.get(key) ?? new Set<string>();
        for (const v of r.verbs) {
          assert.notEqual(v, '*');
          set.add(v);
        }
        out.set(key, set);
      }
  }
  return out;
}

const sorted = (m: Map<string, Set<string>>): Record<string, string[]> =>
  Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()]));

test('RBAC: exactly the resources and verbs the operator uses (informers, server-side apply, delete by name, status, Lease)', () => {
  const want = new Map<string, Set<string>>();
  const add = (group: string, resource: string, ...verbs: string[]) => {
    const key = `${group}/${resource}`;
    const set = want.get(key) ?? new Set<string>();
    for (const v of verbs) set.add(v);
    want.set(key, set);
  };
  add(SELDON_DEPLOYMENTS.group, SELDON_DEPLOYMENTS.plural, 'list', 'watch');
  add(SELDON_DEPLOYMENTS.group, `${SELDON_DEPLOYMENTS.plural}/status`, 'patch');
  for (const api of ['v1', 'v2', 'v3alpha1'] as const) {
    // Listed by label, applied (PATCH, creating when missing), deleted when no longer desired.
    for (const r of ownedResources(api)) add(r.group, r.plural, 'list', 'create', 'patch', 'delete');
  }
  add(DEPLOYMENTS.group, DEPLOYMENTS.plural, 'watch');
  const cluster = grants(find('ClusterRole', 'sdep-operator').rules as Rule[]);
  assert.deepEqual(sorted(cluster), sorted(want));

  const lease = grants(find('Role', 'sdep-operator-leader-election').rules as Rule[]);
  assert.deepEqual(sorted(lease), { [`${LEASES.group}/${LEASES.plural}`]: ['create', 'get', 'update'] });

  // The bindings give these roles to the operator's ServiceAccount.
  const sa = find('ServiceAccount', 'sdep-operator');
  for (const [kind, name] of [
    ['ClusterRoleBinding', 'sdep-operator'],
    ['RoleBinding', 'sdep-operator-leader-election'],
  ] as const) {
    const b = find(kind, name) as KubeObject & {
      subjects: { kind: string; name: string; namespace: string }[];
    };
    assert.deepEqual(b.subjects, [
      { kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace },
    ]);
  }
});

test('operator Deployment: flags the CLI has, leader election with several replicas, SDEP_IMAGE = its own image', async () => {
  const dep = find('Deployment', 'sdep-operator');
  const spec = dep.spec as {
    replicas: number;
    template: {
      spec: {
        serviceAccountName: string;
        containers: { image: string; args: string[]; env: { name: string; value?: string }[] }[];
      };
    };
  };
  const pod = spec.template.spec;
  assert.equal(pod.serviceAccountName, 'sdep-operator');
  const [c] = pod.containers;
  assert.ok(c);
  assert.equal(c.image, DEFAULT_IMAGE);
  assert.equal(c.env.find((e) => e.name === 'SDEP_IMAGE')?.value, c.image);
  assert.equal(c.args[0], 'operator');
  const cmd = (await buildProgram(['node', 'sdep', 'operator'])).commands.find(
    (x) => x.name() === 'operator',
  );
  assert.ok(cmd);
  const known = new Set(cmd.options.map((o) => o.long));
  for (const a of c.args.slice(1)) if (a.startsWith('--')) assert.ok(known.has(a), `unknown flag ${a}`);
  assert.ok(c.args.includes('--all-namespaces'), 'the ClusterRole matches a cluster-wide operator');
  if (spec.replicas > 1) assert.ok(c.args.includes('--leader-elect'));
  for (const name of ['POD_NAME', 'POD_NAMESPACE'])
    assert.ok(
      c.env.some((e) => e.name === name),
      name,
    );
});
