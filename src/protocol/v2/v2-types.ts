/** V2 / Open Inference Protocol (KServe v2) REST shapes. */
export const V2_DATATYPES = ['FP32', 'FP64', 'INT32', 'INT64', 'BOOL', 'BYTES'] as const;
export type V2Datatype = (typeof V2_DATATYPES)[number];

export type V2Scalar = number | boolean | string;

export interface V2Tensor {
  name: string;
  shape: number[];
  datatype: V2Datatype;
  parameters?: Record<string, unknown>;
  /** Flat, row-major (nested JSON arrays are flattened on decode). */
  data: V2Scalar[];
}

export interface V2RequestedOutput {
  name: string;
  parameters?: Record<string, unknown>;
}

export interface V2InferenceRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: V2Tensor[];
  outputs?: V2RequestedOutput[];
}

export interface V2InferenceResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Record<string, unknown>;
  outputs: V2Tensor[];
}

export interface V2ErrorBody {
  error: string;
}
