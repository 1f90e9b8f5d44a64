/**
 * The operator loop: an informer on SeldonDeployments (plus one on the
 * Deployments we own, for replica status), a periodic resync, and one
 * reconcile per changed key: parse → desired state → list what we own →
 * plan → server-side apply / delete → one status write when it changed.
 * API failures requeue the key with exponential back-off. With leader
 * election only the Lease holder reconciles.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { makeInformer } from '@kubernetes/client-node';
import { parseDeployment } from '../api/parse-deployment.js';
import { hasErrors } from '../core/diagnostic.js';
import { SdepError } from '../core/sdep-error.js';
import { stableHash } from '../local/stable-hash.js';
import type { AmbassadorRenderer } from './ambassador-renderer.js';
import { desiredState } from './desired-objects.js';
import type { K8sOptions } from './k8s-options.js';
import type { KubeClient } from './kube-client.js';
import type { KubeObject } from './kube-object.js';
import { objectKey } from './kube-object.js';
import { MANAGED_BY, MANAGER, ownedSelector } from './labels.js';
import { LeaderElector } from './leader-election.js';
import { mergePatch } from './merge-patch.js';
import { planChanges, withDesiredHash } from './reconcile.js';
import {
  apiVersionOf,
  DEPLOYMENTS,
  ownedResources,
  type ResourceType,
  resourceOf,
  resourcePath,
  SELDON_DEPLOYMENTS,
} from './resources.js';
import { describeErrors, failedStatus, type SdepStatus, workloadStatus } from './status.js';
import { backoffDelay, WorkQueue } from './work-queue.js';

export interface OperatorLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface LeaderElectionConfig {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  client: KubeClient;
  renderer: AmbassadorRenderer;
  k8s: K8sOptions;
  /** Watch one namespace; undefined = all namespaces. */
  namespace?: string;
  resyncMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  leaderElection?: LeaderElectionConfig;
  /** Called when leadership is lost (the CLI exits so the pod restarts as a follower). */
  onLeadershipLost?: () => void;
  log?: OperatorLog;
}

const silent: OperatorLog = { info() {}, warn() {}, error() {} };

type Informer = ReturnType<typeof makeInformer<KubeObject>>;

export class Operator {
  readonly queue: WorkQueue;
  private readonly log: OperatorLog;
  private readonly informers: Informer[] = [];
  private sdeps: Informer | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private elector: LeaderElector | undefined;
  private started = false;
  private readonly lastStatus = new Map<string, { hash: string; fromVersion: string | undefined }>();
  private stopped = false;

  constructor(private readonly o: OperatorOptions) {
    this.log = o.log ?? silent;
    this.queue = new WorkQueue((key) => this.reconcile(key), {
      baseDelayMs: o.backoffBaseMs ?? 500,
      maxDelayMs: o.backoffMaxMs ?? 60_000,
      onError: (key, err, ms) =>
        this.log.warn(`reconcile ${key} failed, retrying in ${ms} ms: ${(err as Error).message}`),
    });
  }

  /** True while this replica runs its informers and reconciles (it leads, or there is no election). */
  get running(): boolean {
    return this.started && !this.stopped;
  }

  /** Starts leading (with election) or starts at once (without). */
  start(): void {
    const le = this.o.leaderElection;
    if (!le) {
      this.startInBackground();
      return;
    }
    this.elector = new LeaderElector({
      client: this.o.client,
      ...le,
      onError: (e) => this.log.warn(`leader election: ${(e as Error).message}`),
    });
    this.elector.run(
      () => {
        this.log.info(`leading (lease ${le.namespace}/${le.name} as ${le.identity})`);
        this.startInBackground();
      },
      () => {
        this.log.error(`SDEP_K8S_LEADERSHIP_LOST: lost lease ${le.namespace}/${le.name}`);
        // Like client-go: a replica that lost its lease is done; the process exits and restarts as a follower.
        this.stopped = true;
        void this.stopControllers();
        void this.elector?.stop();
        this.o.onLeadershipLost?.();
      },
    );
  }

  private startInBackground(): void {
    // Informers report list/watch failures through their error handler; anything else must not go unhandled.
    this.startControllers().catch((err: unknown) =>
      this.log.error(`starting the informers failed: ${(err as Error).message}`),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.stopControllers();
    await this.elector?.stop();
  }

  private async startControllers(): Promise<void> {
    if (this.started || this.stopped) return;
    this.started = true;
    const ns = this.o.namespace;
    const sdeps = this.informer(SELDON_DEPLOYMENTS, ns);
    this.sdeps = sdeps;
    const enqueue = (o: KubeObject): void =>
      this.queue.add(`${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    sdeps.on('add', enqueue);
    sdeps.on('update', enqueue);
    // Deleted: ownerReferences let the garbage collector remove what we made; forget its last status.
    sdeps.on('delete', (o: KubeObject) =>
      this.lastStatus.delete(`${o.metadata.namespace ?? ''}/${o.metadata.name}`),
    );
    const deps = this.informer(DEPLOYMENTS, ns, `${MANAGED_BY}=${MANAGER}`);
    const enqueueOwner = (o: KubeObject): void => {
      const owner = o.metadata.ownerReferences?.find(
        (r) => r.kind === SELDON_DEPLOYMENTS.kind && r.controller,
      );
      if (owner) this.queue.add(`${o.metadata.namespace ?? ''}/${owner.name}`);
    };
    deps.on('add', enqueueOwner);
    deps.on('update', enqueueOwner);
    deps.on('delete', enqueueOwner);
    const informers = [...this.informers];
    await Promise.all(informers.map((i) => i.start()));
    // stop() may have run while the informers listed: an informer started after its stop would watch forever.
    if (!this.started || this.stopped) {
      await Promise.all(informers.map((i) => i.stop()));
      return;
    }
    const resyncMs = this.o.resyncMs ?? 5 * 60_000;
    this.resyncTimer = setInterval(() => {
      for (const o of sdeps.list()) enqueue(o);
    }, resyncMs);
    this.log.info(`watching SeldonDeployments in ${ns ? `namespace ${ns}` : 'all namespaces'}`);
  }

  private async stopControllers(): Promise<void> {
    this.started = false;
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    for (const t of this.restartTimers) clearTimeout(t);
    this.restartTimers.clear();
    this.queue.stop();
    await Promise.all(this.informers.map((i) => i.stop()));
    // Let a reconcile in flight finish its writes before the Lease is released (no two leaders writing).
    await this.queue.drained();
    this.informers.length = 0;
  }

  /** An informer that restarts itself with back-off after errors (client-node's stops on error). */
  private informer(r: ResourceType, namespace: string | undefined, labelSelector?: string): Informer {
    const list = async () => {
      const out = await this.o.client.list(r, namespace, labelSelector);
      // List items carry no apiVersion/kind (watch events do): stamp them, parseDeployment needs both.
      const items = out.items.map((o) => ({ ...o, apiVersion: apiVersionOf(r), kind: r.kind }));
      return { apiVersion: 'v1', kind: 'List', items, metadata: out.metadata ?? {} };
    };
    const inf = makeInformer<KubeObject>(
      this.o.kubeConfig,
      resourcePath(r, namespace),
      list as never,
      labelSelector,
    );
    let failures = 0;
    inf.on('connect', () => {
      failures = 0;
    });
    inf.on('error', (err: unknown) => {
      if (this.stopped) return;
      failures++;
      const ms = backoffDelay(failures, this.o.backoffBaseMs ?? 500, this.o.backoffMaxMs ?? 30_000);
      this.log.warn(`watch ${resourcePath(r, namespace)} failed, restarting in ${ms} ms: ${String(err)}`);
      const t = setTimeout(() => {
        this.restartTimers.delete(t);
        if (!this.stopped) void inf.start();
      }, ms);
      this.restartTimers.add(t);
    });
    this.informers.push(inf);
    return inf;
  }

  /** One reconcile of `namespace/name`. Throws on API errors (the queue backs off). */
  async reconcile(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const sdep = this.sdeps?.get(name, namespace);
    // Deleted: ownerReferences let Kubernetes' garbage collector remove what we made.
    if (!sdep) return;
    const generation = sdep.metadata.generation;
    const parsed = parseDeployment(sdep, { file: 'cluster', index: 0 });
    if (!parsed.spec || hasErrors(parsed.diagnostics)) {
      // The last good objects keep running; only the status changes.
      this.log.warn(`SDEP_K8S_INVALID_RESOURCE ${key}: ${describeErrors(parsed.diagnostics)}`);
      await this.writeStatus(sdep, failedStatus(describeErrors(parsed.diagnostics), generation));
      return;
    }
    const spec = { ...parsed.spec, uid: sdep.metadata.uid };
    const desired = desiredState(spec, this.o.k8s, this.o.renderer);
    if (hasErrors(desired.diagnostics)) {
      await this.writeStatus(sdep, failedStatus(describeErrors(desired.diagnostics), generation));
      return;
    }
    const observed: KubeObject[] = [];
    for (const r of ownedResources(this.o.k8s.ambassadorApi)) {
      const list = await this.o.client.list(r, namespace, ownedSelector(name));
      // List items carry no apiVersion/kind: stamp them from the type listed.
      for (const item of list.items) observed.push({ ...item, apiVersion: apiVersionOf(r), kind: r.kind });
    }
    const plan = planChanges(desired.objects.map(withDesiredHash), observed);
    const deployments = new Map<string, KubeObject>();
    for (const o of observed) if (o.kind === DEPLOYMENTS.kind) deployments.set(o.metadata.name, o);
    try {
      for (const obj of plan.apply) {
        const r = this.resourceFor(obj.apiVersion, obj.kind);
        const applied = await this.o.client.apply(r, obj);
        this.log.info(`applied ${objectKey(obj)}`);
        if (obj.kind === DEPLOYMENTS.kind) deployments.set(obj.metadata.name, applied);
      }
      for (const ref of plan.delete) {
        await this.o.client.delete(this.resourceFor(ref.apiVersion, ref.kind), ref.namespace, ref.name);
        this.log.info(`deleted ${ref.kind} ${ref.namespace}/${ref.name}`);
      }
    } catch (err) {
      // A refusal that retrying will not fix (invalid object, forbidden) is worth a status line.
      if (
        err instanceof SdepError &&
        err.status >= 400 &&
        err.status < 500 &&
        err.status !== 409 &&
        err.status !== 429
      ) {
        await this.writeStatus(sdep, failedStatus(err.message, generation)).catch(() => undefined);
      }
      throw err;
    }
    await this.writeStatus(sdep, workloadStatus(desired.deployments, deployments, generation));
  }

  private resourceFor(apiVersion: string, kind: string): ResourceType {
    const r = resourceOf(apiVersion, kind, this.o.k8s.ambassadorApi);
    if (!r)
      throw new SdepError('SDEP_K8S_API', `no resource type for ${apiVersion} ${kind}`, { status: 500 });
    return r;
  }

  private async writeStatus(sdep: KubeObject, status: SdepStatus): Promise<void> {
    const hash = stableHash(status);
    if (stableHash(sdep.status ?? null) === hash) return;
    // The informer may not have seen our last write yet: the same status from the same cached version is not news.
    const key = `${sdep.metadata.namespace ?? ''}/${sdep.metadata.name}`;
    const last = this.lastStatus.get(key);
    if (last && last.hash === hash && last.fromVersion === sdep.metadata.resourceVersion) return;
    await this.o.client.patchStatus(
      SELDON_DEPLOYMENTS,
      sdep.metadata.namespace ?? 'default',
      sdep.metadata.name,
      mergePatch(sdep.status ?? {}, status),
    );
    this.lastStatus.set(key, { hash, fromVersion: sdep.metadata.resourceVersion });
  }
}
