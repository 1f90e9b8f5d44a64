/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it:
 * the holder renews `renewTime` every retry period; another replica takes
 * the Lease only once `renewTime + leaseDurationSeconds` has passed; writes
 * carry the resourceVersion read, so two candidates cannot both win (the
 * loser gets 409). A leader that cannot renew within the renew deadline
 * stops leading (and the operator exits, to be restarted as a follower).
 */
import { isConflict, type KubeClient } from './kube-client.js';
import type { KubeObject } from './kube-object.js';
import { LEASES } from './resources.js';

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  now?: () => Date;
  onError?: (err: unknown) => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** MicroTime as the API wants it: RFC 3339 with microseconds. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  private readonly leaseDurationSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private lastRenew = 0;
  private stopped = false;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: LeaderElectionOptions) {
    this.leaseDurationSeconds = o.leaseDurationSeconds ?? 15;
    this.renewDeadlineMs = o.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = o.retryPeriodMs ?? 2_000;
    this.now = o.now ?? (() => new Date());
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Tries now and every retry period; calls back on gaining and on losing the lease. */
  run(onStartedLeading: () => void, onStoppedLeading: () => void): void {
    const tick = async (): Promise<void> => {
      if (this.stopped) return;
      let ok = false;
      try {
        const round = this.tryAcquireOrRenew();
        this.inFlight = round.catch(() => undefined);
        ok = await round;
      } catch (err) {
        this.o.onError?.(err);
      }
      if (this.stopped) return;
      const t = this.now().getTime();
      if (ok) {
        this.lastRenew = t;
        if (!this.leading) {
          this.leading = true;
          onStartedLeading();
        }
      } else if (this.leading && t - this.lastRenew > this.renewDeadlineMs) {
        this.leading = false;
        onStoppedLeading();
      }
      this.timer = setTimeout(() => void tick(), this.retryPeriodMs);
    };
    void tick();
  }

  /** Stops trying; a leader gives the lease up so a follower need not wait for it to expire. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // A renewal still in flight would land after the release and take the lease back.
    await this.inFlight;
    // Checked on the lease, not on `leading`: a round that won just before stop() never set it.
    this.leading = false;
    try {
      const lease = await this.o.client.get(LEASES, this.o.namespace, this.o.name);
      const spec = (lease?.spec ?? {}) as LeaseSpec;
      if (lease && spec.holderIdentity === this.o.identity) {
        await this.o.client.replace(LEASES, {
          ...lease,
          spec: { ...spec, holderIdentity: '', leaseDurationSeconds: 1 },
        });
      }
    } catch (err) {
      this.o.onError?.(err);
    }
  }

  /** One round: true when we hold the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace, name, identity } = this.o;
    const now = this.now();
    const lease = await client.get(LEASES, namespace, name);
    if (!lease) {
      const fresh: KubeObject = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace },
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds: this.leaseDurationSeconds,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        },
      };
      return this.write(() => client.create(LEASES, fresh));
    }
    const spec = (lease.spec ?? {}) as LeaseSpec;
    const holder = spec.holderIdentity ?? '';
    const renewed = spec.renewTime ? Date.parse(spec.renewTime) : 0;
    const expires = renewed + (spec.leaseDurationSeconds ?? this.leaseDurationSeconds) * 1000;
    if (holder && holder !== identity && now.getTime() < expires) return false;
    const taking = holder !== identity;
    const next: LeaseSpec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds: this.leaseDurationSeconds,
      renewTime: microTime(now),
      ...(taking
        ? { acquireTime: microTime(now), leaseTransitions: (spec.leaseTransitions ?? 0) + (holder ? 1 : 0) }
        : {}),
    };
    // metadata.resourceVersion is kept: the API refuses the write if someone wrote in between.
    return this.write(() => client.replace(LEASES, { ...lease, spec: next }));
  }

  private async write(fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }
}
