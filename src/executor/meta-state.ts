/**
 * The meta a request collects while it walks the graph: routing decisions,
 * the path of visited nodes, merged tags and component metrics. One per
 * request; the response's meta is built from it.
 */
import { replaceMeta } from '../protocol/replace-meta.js';
import type { Meta, Metric, SeldonMessage } from '../protocol/seldon-message.js';

export interface NodeMetric extends Metric {
  /** The graph node that reported it. */
  node: string;
}

/** `{ ...metric, node }` without the spread (protocol/replace-meta.ts says why). */
function withNode(metric: Metric, node: string): NodeMetric {
  const out = Object.assign({}, metric) as NodeMetric;
  out.node = node;
  return out;
}

export class MetaState {
  readonly puid: string;
  readonly routing: Record<string, number> = {};
  readonly requestPath: Record<string, string> = {};
  readonly tags: Record<string, unknown>;
  readonly metrics: NodeMetric[] = [];

  constructor(puid: string, requestTags: Record<string, unknown> | undefined) {
    this.puid = puid;
    this.tags = { ...(requestTags ?? {}) };
  }

  /** Folds a component reply's meta in: its tags win over earlier ones, its metrics are kept. */
  absorb(node: string, reply: SeldonMessage): void {
    const m = reply.meta;
    if (!m) return;
    if (m.tags && typeof m.tags === 'object') Object.assign(this.tags, m.tags);
    if (Array.isArray(m.metrics)) for (const metric of m.metrics) this.metrics.push(withNode(metric, node));
  }

  toMeta(): Meta {
    const meta: Meta = {
      puid: this.puid,
      tags: this.tags,
      routing: this.routing,
      requestPath: this.requestPath,
    };
    if (this.metrics.length > 0) meta.metrics = this.metrics.map(({ node: _node, ...m }) => m);
    return meta;
  }
}

/**
 * The message a node hands on: its payload with the request's puid and the
 * tags merged so far (a component's metrics and routing stay behind: the
 * engine has already collected them).
 */
export function withMeta(msg: SeldonMessage, state: MetaState): SeldonMessage {
  return replaceMeta(msg, { puid: state.puid, tags: { ...state.tags } });
}
