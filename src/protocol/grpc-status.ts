/** The gRPC status code that fits a run-time error's HTTP status (as grpc-gateway maps them, reversed). */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { toSdepError } from './seldon-error.js';

export function grpcStatusFor(err: unknown): { code: GrpcStatus; details: string } {
  const e = toSdepError(err);
  return { code: grpcCodeForHttp(e.status, e.code), details: `${e.code}: ${e.message}` };
}

export function grpcCodeForHttp(httpStatus: number, code?: string): GrpcStatus {
  if (code === 'SDEP_METHOD_NOT_DEFINED') return GrpcStatus.UNIMPLEMENTED;
  switch (httpStatus) {
    case 400:
      return GrpcStatus.INVALID_ARGUMENT;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.NOT_FOUND;
    case 413:
    case 429:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case 503:
      return GrpcStatus.UNAVAILABLE;
    case 504:
      return GrpcStatus.DEADLINE_EXCEEDED;
    default:
      return httpStatus < 500 ? GrpcStatus.INVALID_ARGUMENT : GrpcStatus.INTERNAL;
  }
}
