/** HTTP status ⇄ gRPC status, for unit replies over gRPC and remote gRPC components' failures. */
import { status as GrpcStatus } from '@grpc/grpc-js';

export function grpcCodeFor(httpStatus: number): GrpcStatus {
  switch (httpStatus) {
    case 400:
    case 415:
      return GrpcStatus.INVALID_ARGUMENT;
    case 404:
      return GrpcStatus.NOT_FOUND;
    case 413:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case 501:
      return GrpcStatus.UNIMPLEMENTED;
    case 503:
      return GrpcStatus.UNAVAILABLE;
    case 504:
      return GrpcStatus.DEADLINE_EXCEEDED;
    default:
      return GrpcStatus.INTERNAL;
  }
}

export function httpStatusFor(code: GrpcStatus): number {
  switch (code) {
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.FAILED_PRECONDITION:
    case GrpcStatus.OUT_OF_RANGE:
      return 400;
    case GrpcStatus.NOT_FOUND:
      return 404;
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return 413;
    case GrpcStatus.UNIMPLEMENTED:
      return 501;
    case GrpcStatus.UNAVAILABLE:
      return 503;
    case GrpcStatus.DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;
  }
}
