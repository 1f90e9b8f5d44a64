/**
 * A graph node's effective type: written type, else implied by its
 * implementation, else by its methods (as Seldon's executor reads them),
 * else MODEL.
 */
import type { NodeType } from './deployment-spec.js';
import { effectiveImplementation, implementationInfo } from './known-implementations.js';
import type { RawGraphNode } from './schema.js';

const BY_METHOD: Readonly<Record<string, NodeType>> = {
  TRANSFORM_INPUT: 'TRANSFORMER',
  TRANSFORM_OUTPUT: 'OUTPUT_TRANSFORMER',
  ROUTE: 'ROUTER',
  AGGREGATE: 'COMBINER',
};

export function resolveNodeType(node: Pick<RawGraphNode, 'type' | 'implementation' | 'methods'>): NodeType {
  if (node.type !== undefined && node.type !== 'UNKNOWN_TYPE') return node.type;
  const impl = implementationInfo(effectiveImplementation(node.implementation));
  if (impl) return impl.type;
  for (const m of node.methods ?? []) {
    const t = BY_METHOD[m];
    if (t) return t;
  }
  return 'MODEL';
}
