/**
 * Calls a Component's methods with SeldonMessages and builds the response
 * messages, as Seldon's Python wrapper does. Used by the component
 * microservice and by the executor for in-process components.
 */
import { buildResponseData, extractPayload } from '../protocol/payload.js';
import type { Feedback, SeldonMessage } from '../protocol/seldon-message.js';
import type { Component } from './component.js';
import { responseMeta } from './response-meta.js';
import { runtimeError } from './runtime-error.js';
import type { UnitIdentity } from './unit-identity.js';

export interface InvokeContext {
  unit?: UnitIdentity;
}

function respond(
  c: Component,
  ctx: InvokeContext,
  shapeFrom: SeldonMessage | undefined,
  metaFrom: (SeldonMessage | undefined)[],
  payload: unknown,
  names?: string[],
): SeldonMessage {
  const opts = names !== undefined ? { names } : c.classNames ? { classNames: c.classNames } : {};
  // A fresh object: meta is added to it, not spread over it (protocol/replace-meta.ts says why).
  const out: SeldonMessage = buildResponseData(shapeFrom, payload, opts);
  out.meta = responseMeta(metaFrom, c, ctx.unit ?? {});
  return out;
}

/** Keeps the message's payload and names: a transform the component does not define is the identity. */
function passThrough(c: Component, ctx: InvokeContext, msg: SeldonMessage): SeldonMessage {
  const { X, names } = extractPayload(msg);
  return respond(c, ctx, msg, [msg], X, names);
}

export async function invokePredict(
  c: Component,
  msg: SeldonMessage,
  ctx: InvokeContext = {},
): Promise<SeldonMessage> {
  if (c.predictRaw) return c.predictRaw(msg);
  if (!c.predict) throw runtimeError('SDEP_METHOD_NOT_DEFINED', 'Predict not defined');
  const { X, names } = extractPayload(msg);
  return respond(c, ctx, msg, [msg], await c.predict(X, names, msg.meta));
}

export async function invokeTransformInput(
  c: Component,
  msg: SeldonMessage,
  ctx: InvokeContext = {},
): Promise<SeldonMessage> {
  if (c.transformInputRaw) return c.transformInputRaw(msg);
  if (!c.transformInput) return passThrough(c, ctx, msg);
  const { X, names } = extractPayload(msg);
  const out = await c.transformInput(X, names, msg.meta);
  return respond(c, ctx, msg, [msg], out, c.featureNames ?? (msg.data ? names : undefined));
}

export async function invokeTransformOutput(
  c: Component,
  msg: SeldonMessage,
  ctx: InvokeContext = {},
): Promise<SeldonMessage> {
  if (c.transformOutputRaw) return c.transformOutputRaw(msg);
  if (!c.transformOutput) return passThrough(c, ctx, msg);
  const { X, names } = extractPayload(msg);
  return respond(c, ctx, msg, [msg], await c.transformOutput(X, names, msg.meta));
}

/** The route as a message whose first value is the child index (names `t:0` unless classNames). */
export async function invokeRoute(
  c: Component,
  msg: SeldonMessage,
  ctx: InvokeContext = {},
): Promise<SeldonMessage> {
  if (c.routeRaw) return c.routeRaw(msg);
  if (!c.route) throw runtimeError('SDEP_METHOD_NOT_DEFINED', 'Route not defined');
  const { X, names } = extractPayload(msg);
  const child = await c.route(X, names);
  if (!Number.isInteger(child)) {
    throw runtimeError(
      'SDEP_COMPONENT_EXCEPTION',
      `route must return an integer child index, got ${String(child)}`,
    );
  }
  return respond(c, ctx, msg, [msg], [[child]]);
}

export async function invokeAggregate(
  c: Component,
  msgs: SeldonMessage[],
  ctx: InvokeContext = {},
): Promise<SeldonMessage> {
  if (c.aggregateRaw) return c.aggregateRaw(msgs);
  if (!c.aggregate) throw runtimeError('SDEP_METHOD_NOT_DEFINED', 'Aggregate not defined');
  const parts = msgs.map(extractPayload);
  const out = await c.aggregate(
    parts.map((p) => p.X),
    parts.map((p) => p.names),
  );
  return respond(c, ctx, msgs[0], msgs, out);
}

/** Feedback for this unit: its routing decision comes from `response.meta.routing[unit.id]`. */
export async function invokeSendFeedback(
  c: Component,
  fb: Feedback,
  ctx: InvokeContext = {},
): Promise<SeldonMessage> {
  if (c.sendFeedbackRaw) return c.sendFeedbackRaw(fb);
  const id = ctx.unit?.id;
  const routing = id !== undefined ? fb.response?.meta?.routing?.[id] : undefined;
  let out: unknown;
  if (c.sendFeedback) {
    const req = fb.request ? extractPayload(fb.request) : { X: [], names: [] };
    const truth = fb.truth ? extractPayload(fb.truth).X : undefined;
    out = await c.sendFeedback(req.X, req.names, fb.reward ?? 0, truth, routing);
  }
  return respond(c, ctx, fb.request, [fb.request], out ?? []);
}

export async function invokeHealthStatus(c: Component, ctx: InvokeContext = {}): Promise<SeldonMessage> {
  const status = c.healthStatus ? await c.healthStatus() : { status: 'ok' };
  return respond(c, ctx, undefined, [], status);
}

/** The wrapper's /metadata: defaults from the image name and tag, overridden by initMetadata(). */
export function componentMetadata(c: Component, ctx: InvokeContext = {}): Record<string, unknown> {
  const image = ctx.unit?.image ?? '';
  const at = image.lastIndexOf(':');
  const hasTag = at > image.lastIndexOf('/');
  const base = {
    name: hasTag ? image.slice(0, at) : image || (ctx.unit?.id ?? ''),
    versions: hasTag ? [image.slice(at + 1)] : [],
    platform: '',
    inputs: [],
    outputs: [],
    custom: {},
  };
  return { ...base, ...c.initMetadata?.() };
}
