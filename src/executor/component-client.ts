/**
 * What the graph engine calls on a node: message-level operations, the same
 * whether the component runs in this process, in a local container process
 * or behind a remote endpoint. The engine adds timeouts and node names to
 * errors; clients only translate.
 */
import type { Feedback, SeldonMessage } from '../protocol/seldon-message.js';

/** The per-node methods of the graph walk (the component microservice's paths, camel-cased). */
export type NodeMethod = 'predict' | 'transformInput' | 'transformOutput' | 'route';

export interface CallOptions {
  /** Aborted when the engine's per-call timeout fires or the request is cancelled. */
  signal: AbortSignal;
  /** The node's name (PREDICTIVE_UNIT_ID), for clients that need it. */
  node: string;
}

export interface ComponentClient {
  /** Marks an object as a client (a plain Component has no `kind`). */
  readonly kind: 'in-process' | 'rest' | 'grpc';
  /** What `meta.requestPath` shows for the node: image or implementation. */
  readonly label?: string;
  call(method: NodeMethod, msg: SeldonMessage, opts: CallOptions): Promise<SeldonMessage>;
  aggregate(msgs: SeldonMessage[], opts: CallOptions): Promise<SeldonMessage>;
  /** `routing` is this node's entry of response.meta.routing, when it has one. */
  sendFeedback(fb: Feedback, routing: number | undefined, opts: CallOptions): Promise<SeldonMessage>;
  metadata?(opts: CallOptions): Promise<unknown>;
}

export function isComponentClient(x: unknown): x is ComponentClient {
  if (typeof x !== 'object' || x === null) return false;
  const k = (x as { kind?: unknown }).kind;
  return (
    (k === 'in-process' || k === 'rest' || k === 'grpc') &&
    typeof (x as { call?: unknown }).call === 'function'
  );
}
