/**
 * SeldonMessage wire shapes (Seldon Core v1 protocol), as JSON on REST and
 * as the equivalent protobuf on gRPC.
 */
export interface Tensor {
  shape: number[];
  values: number[];
}

export interface TfTensor {
  dtype?: string;
  tensor_shape?: { dim: { size: number | string }[] };
  [k: string]: unknown;
}

export type NdArray = unknown[];

export interface DefaultData {
  names?: string[];
  ndarray?: NdArray;
  tensor?: Tensor;
  tftensor?: TfTensor;
}

export type MetricType = 'COUNTER' | 'GAUGE' | 'TIMER';

export interface Metric {
  key: string;
  type: MetricType;
  value: number;
  tags?: Record<string, string>;
}

export interface Meta {
  puid?: string;
  tags?: Record<string, unknown>;
  routing?: Record<string, number>;
  requestPath?: Record<string, string>;
  metrics?: Metric[];
}

export interface Status {
  code: number;
  info: string;
  reason: string;
  status: 'SUCCESS' | 'FAILURE';
}

export interface SeldonMessage {
  status?: Status;
  meta?: Meta;
  data?: DefaultData;
  binData?: string;
  strData?: string;
  jsonData?: unknown;
}

export interface Feedback {
  request?: SeldonMessage;
  response?: SeldonMessage;
  reward?: number;
  truth?: SeldonMessage;
}
