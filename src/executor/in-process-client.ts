/**
 * A Component object running in the unit's own process, seen as a
 * ComponentClient. `*Raw` methods get the message as is; the others get the
 * payload (nested arrays, string, bytes or JSON) and their result is put back
 * in the request's representation (tensor in → tensor out).
 */
import type { GraphNode } from '../api/deployment-spec.js';
import type { DefaultData, Feedback, SeldonMessage } from '../protocol/seldon-message.js';
import { ndarrayToTensor, reshape } from '../protocol/tensor-ndarray.js';
import type { Component, Payload } from '../runtime/component.js';
import type { ComponentClient, NodeMethod } from './component-client.js';
import { nodeError } from './node-error.js';
import { routeReply } from './route-index.js';

export function payloadOf(msg: SeldonMessage | undefined): { X: Payload; names: string[] } {
  const d = msg?.data;
  const names = d?.names ?? [];
  if (d?.tensor) return { X: reshape(d.tensor.values, d.tensor.shape), names };
  if (d?.ndarray) return { X: d.ndarray, names };
  if (d?.tftensor) return { X: d.tftensor, names };
  if (msg?.strData !== undefined) return { X: msg.strData, names };
  if (msg?.binData !== undefined) return { X: Buffer.from(msg.binData, 'base64'), names };
  if (msg?.jsonData !== undefined) return { X: msg.jsonData, names };
  return { X: undefined, names };
}

/** Puts a payload back into a message shaped like `like` (the request). */
export function messageOf(X: Payload, names: string[], like: SeldonMessage | undefined): SeldonMessage {
  if (typeof X === 'string') return { strData: X };
  if (X instanceof Uint8Array) return { binData: Buffer.from(X).toString('base64') };
  const asArray = typeof X === 'number' ? [X] : X;
  if (Array.isArray(asArray)) {
    const data: DefaultData = { names };
    const t = like?.data?.tensor ? ndarrayToTensor(asArray) : undefined;
    if (t) data.tensor = t;
    else data.ndarray = asArray;
    return { data };
  }
  return { jsonData: X };
}

function namesFor(component: Component, fallback: string[]): string[] {
  if (component.classNames) return component.classNames;
  return fallback;
}

export function inProcessClient(
  component: Component,
  node: Pick<GraphNode, 'name' | 'implementation'>,
): ComponentClient {
  const missing = (method: string) =>
    nodeError(
      'SDEP_COMPONENT_METHOD_MISSING',
      `component '${node.name}' has no ${method} method (its graph node needs one)`,
      500,
    );
  const withExtras = (reply: SeldonMessage): SeldonMessage => {
    const metrics = component.metrics?.();
    const tags = component.tags?.();
    if (!metrics?.length && !tags) return reply;
    return {
      ...reply,
      meta: {
        ...(reply.meta ?? {}),
        ...(tags ? { tags: { ...(reply.meta?.tags ?? {}), ...tags } } : {}),
        ...(metrics?.length ? { metrics: [...(reply.meta?.metrics ?? []), ...metrics] } : {}),
      },
    };
  };

  async function call(method: NodeMethod, msg: SeldonMessage): Promise<SeldonMessage> {
    const { X, names } = payloadOf(msg);
    switch (method) {
      case 'predict':
        if (component.predictRaw) return withExtras(await component.predictRaw(msg));
        if (component.predict)
          return withExtras(
            messageOf(await component.predict(X, names, msg.meta), namesFor(component, []), msg),
          );
        throw missing('predict');
      case 'transformInput':
        if (component.transformInputRaw) return withExtras(await component.transformInputRaw(msg));
        if (component.transformInput)
          return withExtras(
            messageOf(await component.transformInput(X, names, msg.meta), namesFor(component, names), msg),
          );
        // Seldon's wrapper passes the input through when a transformer lacks the method.
        return msg;
      case 'transformOutput':
        if (component.transformOutputRaw) return withExtras(await component.transformOutputRaw(msg));
        if (component.transformOutput)
          return withExtras(
            messageOf(await component.transformOutput(X, names, msg.meta), namesFor(component, names), msg),
          );
        return msg;
      case 'route':
        if (component.routeRaw) return withExtras(await component.routeRaw(msg));
        if (component.route) return withExtras(routeReply(await component.route(X, names)));
        throw missing('route');
    }
  }

  return {
    kind: 'in-process',
    ...(node.implementation ? { label: node.implementation } : {}),
    call: (method, msg) => call(method, msg),
    async aggregate(msgs) {
      if (component.aggregateRaw) return withExtras(await component.aggregateRaw(msgs));
      if (!component.aggregate) throw missing('aggregate');
      const parts = msgs.map((m) => payloadOf(m));
      const X = await component.aggregate(
        parts.map((p) => p.X),
        parts.map((p) => p.names),
      );
      return withExtras(messageOf(X, namesFor(component, parts[0]?.names ?? []), msgs[0]));
    },
    async sendFeedback(fb: Feedback, routing) {
      if (component.sendFeedbackRaw) return withExtras(await component.sendFeedbackRaw(fb));
      if (!component.sendFeedback) return {};
      const { X, names } = payloadOf(fb.request);
      const truth = payloadOf(fb.truth).X;
      const out = await component.sendFeedback(X, names, fb.reward ?? 0, truth, routing);
      return withExtras(out === undefined || out === null ? {} : messageOf(out, [], fb.request));
    },
    async metadata() {
      return component.initMetadata?.() ?? {};
    },
  };
}
