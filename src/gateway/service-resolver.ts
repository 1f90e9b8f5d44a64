/**
 * How a cluster's `service` becomes endpoints. Standalone `sdep gateway`
 * resolves `host:port` literally; embedded `sdep serve` resolves
 * `<svc>.<ns>:<port>` to the ready units of that predictor and tells the
 * gateway when that set changes (a unit became ready, or left).
 */
export interface Endpoint {
  host: string;
  port: number;
  /** Upstream gRPC/h2c port where it differs from `port` (units serve gRPC on their own port). */
  grpcPort?: number;
}

export interface ServiceResolver {
  /** Current ready endpoints for a Mapping `service`; empty = none ready (503, as Envoy with no healthy host). */
  resolve(service: string): readonly Endpoint[];
  /** Subscribe to changes; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
}
