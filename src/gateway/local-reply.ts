/**
 * Envoy's local replies: the status, body, headers and response flag Envoy
 * answers with itself when it cannot (or may not) reach an upstream. The
 * SdepError message is the exact Envoy body, so tests and users see the
 * wording they would see behind Ambassador.
 */
import { Buffer } from 'node:buffer';
import type { OutgoingHttpHeaders } from 'node:http';
import { SdepError } from '../core/sdep-error.js';
import type { GatewayCode } from './codes.js';
import { type DownstreamRequest, type DownstreamResponse, isGrpcRequest } from './downstream.js';

export type ResetReason =
  | 'connection failure'
  | 'connection termination'
  | 'remote reset'
  | 'protocol error'
  | 'overflow';

const RESET_PREFIX = 'upstream connect error or disconnect/reset before headers. reset reason: ';

function gatewayError(
  code: GatewayCode,
  message: string,
  status: number,
  flag: SdepError['flag'],
): SdepError {
  return new SdepError(code, message, { status, flag });
}

export function noRouteError(): SdepError {
  return gatewayError('SDEP_GATEWAY_NO_ROUTE', '', 404, 'NR');
}

export function noHealthyUpstreamError(): SdepError {
  // Envoy's flag is UH; SdepError's flag set has no UH, so it is left unset.
  return gatewayError('SDEP_GATEWAY_NO_HEALTHY_UPSTREAM', 'no healthy upstream', 503, undefined);
}

export function overflowError(): SdepError {
  return gatewayError('SDEP_GATEWAY_OVERFLOW', `${RESET_PREFIX}overflow`, 503, 'UO');
}

export function timeoutError(): SdepError {
  return gatewayError('SDEP_GATEWAY_UPSTREAM_TIMEOUT', 'upstream request timeout', 504, 'UT');
}

/** idle_timeout_ms expired with no bytes from the upstream (Envoy's stream idle timeout, flag SI). */
export function streamIdleError(): SdepError {
  return gatewayError('SDEP_GATEWAY_STREAM_IDLE_TIMEOUT', 'stream timeout', 504, undefined);
}

/** A failure before response headers; `retried` marks it URX (retries exhausted). */
export function resetError(reason: ResetReason, retried: boolean): SdepError {
  const message = `${RESET_PREFIX}${reason}`;
  const status = reason === 'protocol error' ? 502 : 503;
  if (retried) return gatewayError('SDEP_GATEWAY_RETRIES_EXHAUSTED', message, status, 'URX');
  if (reason === 'connection failure')
    return gatewayError('SDEP_GATEWAY_CONNECT_FAILURE', message, 503, 'UF');
  if (reason === 'protocol error')
    return gatewayError('SDEP_GATEWAY_PROTOCOL_ERROR', message, 502, undefined);
  if (reason === 'overflow') return overflowError();
  return gatewayError('SDEP_GATEWAY_UPSTREAM_RESET', message, status, 'UC');
}

/** gRPC status for a local reply's HTTP status (Envoy's mapping). */
export function grpcStatusFor(httpStatus: number): number {
  switch (httpStatus) {
    case 400:
      return 13;
    case 401:
      return 16;
    case 403:
      return 7;
    case 404:
      return 12;
    case 429:
    case 502:
    case 503:
    case 504:
      return 14;
    default:
      return 2;
  }
}

/** Writes the local reply for `err`; if the response has already started, resets it instead. */
export function sendLocalReply(req: DownstreamRequest, res: DownstreamResponse, err: SdepError): void {
  if (res.writableEnded || res.destroyed) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (isGrpcRequest(req.headers)) {
    sendGrpcLocalReply(req, res, err);
    return;
  }
  const body = err.message;
  const headers: OutgoingHttpHeaders = { 'content-length': Buffer.byteLength(body), server: 'envoy' };
  if (body !== '') headers['content-type'] = 'text/plain';
  if (err.flag === 'UO') headers['x-envoy-overloaded'] = 'true';
  res.writeHead(err.status, headers);
  res.end(body);
}

function sendGrpcLocalReply(req: DownstreamRequest, res: DownstreamResponse, err: SdepError): void {
  const status = String(grpcStatusFor(err.status));
  const message = encodeURIComponent(err.message);
  const stream = req.stream;
  if (stream && !stream.headersSent && !stream.destroyed) {
    // HTTP/2: a trailers-only response, as Envoy sends.
    const headers: OutgoingHttpHeaders = {
      ':status': 200,
      'content-type': 'application/grpc',
      'grpc-status': status,
      'grpc-message': message,
    };
    if (err.flag === 'UO') headers['x-envoy-overloaded'] = 'true';
    stream.respond(headers, { endStream: true });
    return;
  }
  res.writeHead(200, { 'content-type': 'application/grpc', 'grpc-status': status, 'grpc-message': message });
  res.end();
}
