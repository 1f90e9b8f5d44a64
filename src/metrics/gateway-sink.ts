/**
 * Adapts GatewayMetrics to the data plane's per-request report
 * (`observeRequest(route, cluster, status, flag, seconds)`), counting
 * Envoy response flags into their own counters. Structural, so metrics/
 * does not import gateway/.
 */
import { STATUS_CLASSES, statusClassIndex } from './gateway-metric-names.js';
import type { GatewayMetrics } from './gateway-metrics.js';

export interface RequestObserver {
  observeRequest(route: string, cluster: string, status: number, flag: string, seconds: number): void;
  observeShadow(cluster: string, outcome: string): void;
}

/** Per (route, cluster): response counts by class, and the duration histogram's child. */
interface Slot {
  cluster: string;
  route: string;
  counts: number[];
  duration: { observe(value: number): void };
}

/** More (route, cluster) pairs than this (many table swaps) and the idle ones are dropped. */
const MAX_SLOTS = 10_000;

export function gatewayRequestObserver(m: GatewayMetrics): RequestObserver {
  // The hot path counts into plain numbers in a slot found by two Map lookups;
  // the prom-client counter is brought up to date when it is read.
  const slots = new Map<string, Map<string, Slot>>();
  let size = 0;
  const slotFor = (route: string, cluster: string): Slot => {
    let byCluster = slots.get(route);
    if (byCluster === undefined) {
      byCluster = new Map();
      slots.set(route, byCluster);
    }
    let slot = byCluster.get(cluster);
    if (slot === undefined) {
      const c = cluster || '-';
      const r = route || '-';
      slot = { cluster: c, route: r, counts: [0, 0, 0, 0, 0, 0], duration: m.requestDuration.labels(c, r) };
      byCluster.set(cluster, slot);
      size++;
    }
    return slot;
  };
  // Shadow outcomes: cluster -> outcome -> count not yet in the counter.
  const shadow = new Map<string, Map<string, number>>();
  const flush = () => {
    for (const [cluster, outcomes] of shadow) {
      for (const [outcome, n] of outcomes) {
        if (n === 0) continue;
        m.shadowRequests.inc({ cluster, outcome }, n);
        outcomes.set(outcome, 0);
      }
    }
    for (const byCluster of slots.values()) {
      for (const slot of byCluster.values()) {
        const counts = slot.counts;
        for (let i = 0; i < counts.length; i++) {
          const n = counts[i]!;
          if (n === 0) continue;
          m.requests.inc({ cluster: slot.cluster, route: slot.route, status_class: STATUS_CLASSES[i]! }, n);
          counts[i] = 0;
        }
      }
    }
    if (size > MAX_SLOTS) {
      slots.clear();
      size = 0;
    }
  };
  m.beforeCollect.add(flush);
  return {
    observeRequest(route, cluster, status, flag, seconds) {
      const slot = slotFor(route, cluster);
      slot.counts[statusClassIndex(status)]!++;
      slot.duration.observe(seconds);
      const c = slot.cluster;
      switch (flag) {
        case 'NR':
          m.noRoute.inc();
          break;
        case 'UO':
          m.pendingOverflow.inc({ cluster: c, limit: 'requests' });
          break;
        case 'UT':
          m.timeouts.inc({ cluster: c });
          break;
        case 'UF':
          m.connectFailures.inc({ cluster: c });
          break;
      }
    },
    observeShadow(cluster, outcome) {
      const c = cluster || '-';
      let outcomes = shadow.get(c);
      if (outcomes === undefined) {
        outcomes = new Map();
        shadow.set(c, outcomes);
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    },
  };
}

/** The shadow comparison's report (structural: gateway/shadow-compare's ShadowCompareSink). */
export interface ShadowComparisonRecorder {
  recordShadowComparison(c: {
    mainCluster: string;
    shadowCluster: string;
    result: string;
    mainSeconds: number;
    shadowSeconds: number;
  }): void;
}

export function shadowComparisonRecorder(m: GatewayMetrics): ShadowComparisonRecorder {
  return {
    recordShadowComparison(c) {
      m.shadowComparisons.inc({ cluster: c.shadowCluster, main_cluster: c.mainCluster, result: c.result });
      if (c.result === 'main_error' || c.result === 'shadow_error') return;
      m.shadowCompareDuration.observe({ cluster: c.shadowCluster, side: 'main' }, c.mainSeconds);
      m.shadowCompareDuration.observe({ cluster: c.shadowCluster, side: 'shadow' }, c.shadowSeconds);
    },
  };
}
