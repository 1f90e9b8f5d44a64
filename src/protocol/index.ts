export { badRequest } from './bad-request.js';
export { CODES as PROTOCOL_CODES, type ProtocolCode } from './codes.js';
export {
  type DecodeOptions,
  decodeFeedback,
  decodeSeldonMessage,
  decodeSeldonMessageList,
} from './decode-seldon-message.js';
export {
  type BuildDataOptions,
  buildResponseData,
  type ExtractedPayload,
  extractPayload,
  type PayloadKind,
  payloadKind,
} from './payload.js';
export { BAD_JSON_INFO, mediaType, parseRequestBody } from './request-body.js';
export {
  type SeldonErrorResponse,
  seldonError,
  toSdepError,
  type WrapperErrorResponse,
  type WrapperStatus,
  wrapperError,
} from './seldon-error.js';
export type {
  DefaultData,
  Feedback,
  Meta,
  Metric,
  MetricType,
  NdArray,
  SeldonMessage,
  Status,
  Tensor,
  TfTensor,
} from './seldon-message.js';
export { ndarrayToTensor, numericShape, reshape, shapeProduct, tensorToNdarray } from './tensor-ndarray.js';
