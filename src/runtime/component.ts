/**
 * The component API user models implement (in JS/TS), mirroring Seldon's
 * Python wrapper. Every method is optional; the wrapper and the executor
 * call what exists and fall back as Seldon does.
 *
 * `X` is the request payload as a JS value: a nested number array for
 * ndarray/tensor data (tensor is reshaped to nested rows), a string for
 * strData, bytes for binData, a JSON value for jsonData.
 */
import type { Feedback, Meta, Metric, SeldonMessage } from '../protocol/seldon-message.js';

export type Payload = unknown;

export interface Component {
  load?(): Promise<void> | void;
  predict?(X: Payload, names: string[], meta?: Meta): Promise<Payload> | Payload;
  predictRaw?(msg: SeldonMessage): Promise<SeldonMessage> | SeldonMessage;
  transformInput?(X: Payload, names: string[], meta?: Meta): Promise<Payload> | Payload;
  transformInputRaw?(msg: SeldonMessage): Promise<SeldonMessage> | SeldonMessage;
  transformOutput?(X: Payload, names: string[], meta?: Meta): Promise<Payload> | Payload;
  transformOutputRaw?(msg: SeldonMessage): Promise<SeldonMessage> | SeldonMessage;
  /** Returns a child index: >=0 one child, -1 all children, -2 stop here. */
  route?(X: Payload, names: string[]): Promise<number> | number;
  routeRaw?(msg: SeldonMessage): Promise<SeldonMessage> | SeldonMessage;
  aggregate?(Xs: Payload[], namesList: string[][]): Promise<Payload> | Payload;
  aggregateRaw?(msgs: SeldonMessage[]): Promise<SeldonMessage> | SeldonMessage;
  sendFeedback?(
    X: Payload,
    names: string[],
    reward: number,
    truth: Payload,
    routing?: number,
  ): Promise<Payload | undefined> | Payload | undefined;
  sendFeedbackRaw?(fb: Feedback): Promise<SeldonMessage> | SeldonMessage;
  /** Output column names, used when the component does not set them. */
  classNames?: string[];
  /** Column names after transformInput; the request's names are kept when absent. */
  featureNames?: string[];
  metrics?(): Metric[];
  tags?(): Record<string, unknown>;
  healthStatus?(): Promise<Payload> | Payload;
  initMetadata?(): Record<string, unknown>;
}

/** Constructor parameters come from the graph node's `parameters`, parsed to their declared types. */
export type ComponentParameters = Record<string, unknown>;

export type ComponentFactory = (params: ComponentParameters) => Component | Promise<Component>;
