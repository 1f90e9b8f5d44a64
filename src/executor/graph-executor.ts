/**
 * The inference graph engine: walks a predictor's graph for one request.
 * TRANSFORMER and MODEL transform the message on the way down, ROUTER picks
 * children, COMBINER aggregates children, OUTPUT_TRANSFORMER transforms on
 * the way back. No HTTP here: the unit server and tests drive it directly.
 */
import { randomUUID } from 'node:crypto';
import type { GraphNode } from '../api/deployment-spec.js';
import { replaceMeta } from '../protocol/replace-meta.js';
import type { Feedback, SeldonMessage } from '../protocol/seldon-message.js';
import type { Component } from '../runtime/component.js';
import {
  type CallOptions,
  type ComponentClient,
  isComponentClient,
  type NodeMethod,
} from './component-client.js';
import { inProcessClient } from './in-process-client.js';
import { LazyAbort } from './lazy-abort.js';
import { DEFAULT_COMPONENT_TIMEOUT_MS } from './limits.js';
import { MetaState, type NodeMetric, withMeta } from './meta-state.js';
import { nodeError, wrapComponentFailure } from './node-error.js';
import { routeIndexOf } from './route-index.js';

export type ResolveComponent = (node: GraphNode) => Component | ComponentClient;

export interface GraphExecutorOptions {
  /** Per-call timeout for every component call, in ms (default 30 000). */
  timeoutMs?: number;
  /** Called with the metrics components report, once per request. */
  onMetrics?: (metrics: readonly NodeMetric[]) => void;
  /** Name used in metadata() (the deployment's name). */
  name?: string;
  /** Random source for puids (tests pass a fixed one). */
  newPuid?: () => string;
}

export interface RequestContext {
  /** From the `Seldon-Puid` header; wins over meta.puid. */
  puid?: string;
  /**
   * Cancels the request's component calls (client went away, unit closing).
   * Read only when a component call needs it, so it may be a lazy getter.
   */
  readonly signal?: AbortSignal | undefined;
}

export interface GraphMetadata {
  name: string;
  models: Record<string, unknown>;
  graphinputs: unknown;
  graphoutputs: unknown;
}

export interface GraphExecutor {
  predict(msg: SeldonMessage, ctx?: RequestContext): Promise<SeldonMessage>;
  feedback(fb: Feedback, ctx?: RequestContext): Promise<SeldonMessage>;
  metadata(ctx?: RequestContext): Promise<GraphMetadata>;
}

const METHOD_LABEL: Record<NodeMethod | 'aggregate' | 'sendFeedback' | 'metadata', string> = {
  predict: 'predict',
  transformInput: 'transform-input',
  transformOutput: 'transform-output',
  route: 'route',
  aggregate: 'aggregate',
  sendFeedback: 'send-feedback',
  metadata: 'metadata',
};

/** One component call's options: the node, and a signal that follows the request's, made only if read. */
class ComponentCall extends LazyAbort implements CallOptions {
  readonly node: string;

  constructor(node: string, req: RequestContext | undefined) {
    super(req);
    this.node = node;
  }
}

function allNodes(node: GraphNode, out: GraphNode[] = []): GraphNode[] {
  out.push(node);
  for (const c of node.children) allNodes(c, out);
  return out;
}

export function createGraphExecutor(
  graph: GraphNode,
  resolveComponent: ResolveComponent,
  opts: GraphExecutorOptions = {},
): GraphExecutor {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_COMPONENT_TIMEOUT_MS;
  const newPuid = opts.newPuid ?? randomUUID;
  const clients = new Map<string, ComponentClient>();
  for (const node of allNodes(graph)) {
    const c = resolveComponent(node);
    clients.set(node.name, isComponentClient(c) ? c : inProcessClient(c, node));
  }
  const clientOf = (node: GraphNode): ComponentClient => clients.get(node.name)!;

  /**
   * Runs one component call with the timeout, naming the node in any failure.
   * Its AbortSignal follows the request's and is made only if the client
   * reads it (lazy-abort.ts).
   */
  async function guarded<T>(
    node: GraphNode,
    method: keyof typeof METHOD_LABEL,
    req: RequestContext | undefined,
    run: (o: CallOptions) => Promise<T>,
  ): Promise<T> {
    const call = new ComponentCall(node.name, req);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = nodeError(
          'SDEP_COMPONENT_TIMEOUT',
          `component '${node.name}' did not answer ${METHOD_LABEL[method]} within ${timeoutMs} ms`,
          504,
        );
        call.abort(err);
        reject(err);
      }, timeoutMs);
    });
    try {
      return await Promise.race([run(call), timeout]);
    } catch (err) {
      throw wrapComponentFailure(node.name, METHOD_LABEL[method], err);
    } finally {
      clearTimeout(timer);
      call.release();
    }
  }

  async function callNode(
    node: GraphNode,
    method: NodeMethod,
    msg: SeldonMessage,
    state: MetaState,
    req: RequestContext | undefined,
  ): Promise<SeldonMessage> {
    const reply = await guarded(node, method, req, (o) =>
      clientOf(node).call(method, withMeta(msg, state), o),
    );
    state.absorb(node.name, reply);
    return reply;
  }

  async function walk(
    node: GraphNode,
    input: SeldonMessage,
    state: MetaState,
    req: RequestContext | undefined,
  ): Promise<SeldonMessage> {
    const client = clientOf(node);
    state.requestPath[node.name] = client.label ?? node.implementation ?? node.name;
    let msg = input;
    let selected: GraphNode[] = node.children;
    if (node.type === 'MODEL') msg = await callNode(node, 'predict', msg, state, req);
    else if (node.type === 'TRANSFORMER') msg = await callNode(node, 'transformInput', msg, state, req);
    else if (node.type === 'ROUTER') {
      const reply = await callNode(node, 'route', msg, state, req);
      const index = routeIndexOf(reply);
      if (index === undefined) {
        throw nodeError(
          'SDEP_GRAPH_BAD_ROUTE',
          `router '${node.name}' returned no integer child index (got ${JSON.stringify(reply.data ?? reply.jsonData ?? null)})`,
          500,
        );
      }
      state.routing[node.name] = index;
      if (index === -2) return msg;
      if (index !== -1) {
        const child = node.children[index];
        if (!child) {
          throw nodeError(
            'SDEP_GRAPH_ROUTE_OUT_OF_RANGE',
            `router '${node.name}' chose child ${index} but has ${node.children.length} ${node.children.length === 1 ? 'child' : 'children'} (valid: 0..${node.children.length - 1}, -1 all, -2 none)`,
            500,
          );
        }
        selected = [child];
      }
    }

    let out: SeldonMessage;
    if (node.type === 'COMBINER') {
      const inputs = selected.length === 0 ? [msg] : await runAll(selected, msg, state, req);
      out = await guarded(node, 'aggregate', req, (o) =>
        client.aggregate(
          inputs.map((m) => withMeta(m, state)),
          o,
        ),
      );
      state.absorb(node.name, out);
    } else if (selected.length === 0) {
      out = msg;
    } else {
      out = (await runAll(selected, msg, state, req))[0]!;
    }
    if (node.type === 'OUTPUT_TRANSFORMER') out = await callNode(node, 'transformOutput', out, state, req);
    return out;
  }

  function runAll(
    nodes: GraphNode[],
    msg: SeldonMessage,
    state: MetaState,
    req: RequestContext | undefined,
  ): Promise<SeldonMessage[]> {
    return Promise.all(nodes.map((c) => walk(c, msg, state, req)));
  }

  async function feedbackWalk(
    node: GraphNode,
    fb: Feedback,
    routing: Record<string, number>,
    state: MetaState,
    replies: SeldonMessage[],
    req: RequestContext | undefined,
  ): Promise<void> {
    const route = routing[node.name];
    if (node.type === 'ROUTER' || node.type === 'MODEL') {
      const reply = await guarded(node, 'sendFeedback', req, (o) =>
        clientOf(node).sendFeedback(fb, route, o),
      );
      state.absorb(node.name, reply);
      replies.push(reply);
    }
    let next = node.children;
    if (node.type === 'ROUTER' && route !== undefined && route !== -1) {
      const child = route >= 0 ? node.children[route] : undefined;
      next = child ? [child] : [];
    }
    await Promise.all(next.map((c) => feedbackWalk(c, fb, routing, state, replies, req)));
  }

  return {
    async predict(msg, ctx = {}) {
      const state = new MetaState(ctx.puid || msg.meta?.puid || newPuid(), msg.meta?.tags);
      const out = await walk(graph, msg, state, ctx);
      if (state.metrics.length > 0) opts.onMetrics?.(state.metrics);
      return replaceMeta(out, state.toMeta());
    },

    async feedback(fb, ctx = {}) {
      const puid = ctx.puid || fb.response?.meta?.puid || fb.request?.meta?.puid || newPuid();
      const state = new MetaState(puid, fb.request?.meta?.tags);
      const routing = fb.response?.meta?.routing ?? {};
      const replies: SeldonMessage[] = [];
      await feedbackWalk(graph, fb, routing, state, replies, ctx);
      if (state.metrics.length > 0) opts.onMetrics?.(state.metrics);
      const first = replies.find((r) => r.data || r.jsonData !== undefined || r.strData !== undefined);
      const { meta: _m, ...payload } = first ?? {};
      return { ...payload, meta: { puid, tags: state.tags, routing } };
    },

    async metadata(ctx = {}) {
      const models: Record<string, unknown> = {};
      await Promise.all(
        allNodes(graph).map(async (node) => {
          const client = clientOf(node);
          // One component without metadata must not hide the others'.
          const md = client.metadata
            ? await guarded(node, 'metadata', ctx, (o) => client.metadata!(o)).catch((e: Error) => ({
                error: e.message,
              }))
            : undefined;
          models[node.name] = { ...(isObject(md) ? md : {}), name: node.name, type: node.type };
        }),
      );
      const root = models[graph.name] as Record<string, unknown>;
      const lastModel = models[lastOnPath(graph).name] as Record<string, unknown>;
      return {
        name: opts.name ?? graph.name,
        models,
        graphinputs: root.inputs ?? [],
        graphoutputs: lastModel.outputs ?? [],
      };
    },
  };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The node whose output becomes the response when every first child runs. */
function lastOnPath(node: GraphNode): GraphNode {
  if (node.type === 'COMBINER' || node.type === 'OUTPUT_TRANSFORMER' || node.children.length === 0)
    return node;
  return lastOnPath(node.children[0]!);
}
