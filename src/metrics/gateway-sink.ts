/**
 * Adapts GatewayMetrics to the data plane's per-request report
 * (`observeRequest(route, cluster, status, flag, seconds)`), counting
 * Envoy response flags into their own counters. Structural, so metrics/
 * does not import gateway/.
 */
import { statusClass } from './gateway-metric-names.js';
import type { GatewayMetrics } from './gateway-metrics.js';

export interface RequestObserver {
  observeRequest(route: string, cluster: string, status: number, flag: string, seconds: number): void;
  observeShadow(cluster: string, outcome: string): void;
}

export function gatewayRequestObserver(m: GatewayMetrics): RequestObserver {
  return {
    observeRequest(route, cluster, status, flag, seconds) {
      const c = cluster || '-';
      const r = route || '-';
      m.requests.inc({ cluster: c, route: r, status_class: statusClass(status) });
      m.requestDuration.observe({ cluster: c, route: r }, seconds);
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
      m.shadowRequests.inc({ cluster: cluster || '-', outcome });
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
