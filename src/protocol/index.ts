export { badRequest } from './bad-request.js';
export { CODES as PROTOCOL_CODES, type ProtocolCode } from './codes.js';
export {
  type DecodeOptions,
  decodeFeedback,
  decodeSeldonMessage,
  decodeSeldonMessageList,
} from './decode-seldon-message.js';
export { grpcCodeForHttp, grpcStatusFor } from './grpc-status.js';
export {
  loadSeldonProto,
  SELDON_PROTO_OPTIONS,
  SELDON_PROTO_PATH,
  type SeldonProto,
  type SeldonServiceName,
} from './load-seldon-proto.js';
export {
  type BuildDataOptions,
  buildResponseData,
  type ExtractedPayload,
  extractPayload,
  type PayloadKind,
  payloadKind,
} from './payload.js';
export {
  fromProtoFeedback,
  fromProtoList,
  fromProtoMessage,
  fromProtoValue,
  type ProtoFeedback,
  type ProtoListValue,
  type ProtoSeldonMessage,
  type ProtoStruct,
  type ProtoValue,
  toProtoFeedback,
  toProtoList,
  toProtoMessage,
  toProtoValue,
} from './proto-convert.js';
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
export {
  decodeV2Request,
  decodeV2Tensor,
  seldonMessageToV2Response,
  tensorToV2Tensor,
  type V2ResponseOptions,
  v2Error,
  v2RequestToSeldonMessage,
  v2TensorToTensor,
} from './v2/v2-codec.js';
export {
  V2_DATATYPES,
  type V2Datatype,
  type V2ErrorBody,
  type V2InferenceRequest,
  type V2InferenceResponse,
  type V2RequestedOutput,
  type V2Scalar,
  type V2Tensor,
} from './v2/v2-types.js';
