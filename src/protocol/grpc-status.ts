/** The gRPC status code that fits a run-time error's HTTP status (as grpc-gateway maps them, reversed). */
import { GrpcCode } from './grpc-codes.js';
import { toSdepError } from './seldon-error.js';

export function grpcStatusFor(err: unknown): { code: GrpcCode; details: string } {
  const e = toSdepError(err);
  return { code: grpcCodeForHttp(e.status, e.code), details: `${e.code}: ${e.message}` };
}

export function grpcCodeForHttp(httpStatus: number, code?: string): GrpcCode {
  if (code === 'SDEP_METHOD_NOT_DEFINED') return GrpcCode.UNIMPLEMENTED;
  switch (httpStatus) {
    case 400:
      return GrpcCode.INVALID_ARGUMENT;
    case 401:
      return GrpcCode.UNAUTHENTICATED;
    case 403:
      return GrpcCode.PERMISSION_DENIED;
    case 404:
      return GrpcCode.NOT_FOUND;
    case 413:
    case 429:
      return GrpcCode.RESOURCE_EXHAUSTED;
    case 503:
      return GrpcCode.UNAVAILABLE;
    case 504:
      return GrpcCode.DEADLINE_EXCEEDED;
    default:
      return httpStatus < 500 ? GrpcCode.INVALID_ARGUMENT : GrpcCode.INTERNAL;
  }
}
