/**
 * Ports of a predictor's component containers inside its pod. Like Seldon
 * Core, each container that backs a graph node gets REST port 9000+i and
 * gRPC port 9500+i (i counts such containers in order), unless it declares
 * its own port, which then wins. The executor reaches them on localhost.
 * Pure.
 */
import type { GraphNode, PredictorSpec } from '../api/deployment-spec.js';

export const EXECUTOR_REST_PORT = 8000;
export const EXECUTOR_GRPC_PORT = 5001;
export const COMPONENT_REST_BASE = 9000;
export const COMPONENT_GRPC_BASE = 9500;

export interface ComponentPorts {
  /** Index among the predictor's node-backing containers. */
  index: number;
  http: number;
  grpc: number;
  /** The container declared its own ports: we add none. */
  declared: boolean;
  node: GraphNode;
}

export function graphNodes(root: GraphNode): GraphNode[] {
  const out: GraphNode[] = [];
  const walk = (n: GraphNode): void => {
    out.push(n);
    for (const c of n.children) walk(c);
  };
  walk(root);
  return out;
}

/** Container name → its ports, for containers whose name is a graph node's. */
export function componentPorts(p: PredictorSpec): Map<string, ComponentPorts> {
  const nodes = new Map(graphNodes(p.graph).map((n) => [n.name, n]));
  const out = new Map<string, ComponentPorts>();
  let index = 0;
  for (const cs of p.componentSpecs) {
    for (const c of cs.spec.containers) {
      const node = nodes.get(c.name);
      if (!node || out.has(c.name)) continue;
      const first = c.ports?.[0]?.containerPort;
      const http = first ?? COMPONENT_REST_BASE + index;
      const grpc = first ?? COMPONENT_GRPC_BASE + index;
      out.set(c.name, { index, http, grpc, declared: first !== undefined, node });
      index++;
    }
  }
  return out;
}
