/** Depth-first (pre-order) list of a graph's nodes with their field path segments. */
import type { RawGraphNode } from './schema.js';

export interface NodeAt {
  node: RawGraphNode;
  segments: (string | number)[];
}

export function graphNodes(root: RawGraphNode, rootSegments: (string | number)[]): NodeAt[] {
  const out: NodeAt[] = [];
  const stack: NodeAt[] = [{ node: root, segments: rootSegments }];
  while (stack.length > 0) {
    const at = stack.pop()!;
    out.push(at);
    const children = at.node.children ?? [];
    for (let j = children.length - 1; j >= 0; j--)
      stack.push({ node: children[j]!, segments: [...at.segments, 'children', j] });
  }
  return out;
}
