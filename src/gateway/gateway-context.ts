/**
 * What every request handler of the data plane shares: the table state it
 * started on, the random source, metrics, and the in-flight count that
 * `close()` waits on.
 */
import type { RouteTable } from '../routing/index.js';
import type { Cluster } from './cluster.js';
import type { Deadlines } from './deadlines.js';
import type { ShadowComparer } from './shadow-compare.js';

/** One loaded table and the clusters built for it; requests keep the state they started with. */
export interface TableState {
  readonly table: RouteTable;
  readonly clusters: ReadonlyMap<string, Cluster>;
}

/** Where the data plane reports each finished request (optional). */
export interface GatewayMetricsSink {
  /** `flag` is Envoy's response flag ('-' when none); `seconds` is the downstream duration. */
  observeRequest(route: string, cluster: string, status: number, flag: string, seconds: number): void;
  /** A shadow copy's fate: `ok`, `upstream_5xx`, `error`, `timeout`, `overflow`, `no_endpoint`. */
  observeShadow?(cluster: string, outcome: ShadowOutcome): void;
}

export type ShadowOutcome = 'ok' | 'upstream_5xx' | 'error' | 'timeout' | 'overflow' | 'no_endpoint';

export interface GatewayContext {
  state: TableState | undefined;
  readonly random: () => number;
  readonly metrics: GatewayMetricsSink | undefined;
  /** Compares shadow responses with the main ones, when set. */
  readonly shadowCompare?: ShadowComparer | undefined;
  /** Route timeouts (one timer per timeout value, not per request). */
  readonly deadlines: Deadlines;
  /** Requests between routing and their end; close() waits for zero. */
  inflight: number;
  requestDone(): void;
}
