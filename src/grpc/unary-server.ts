/**
 * A unary-only gRPC server on node:http2 (cleartext h2c, as grpc-js's
 * insecure server), for the unit's and `sdep microservice`'s gRPC fronts.
 * Both answer only unary calls; grpc-js's Server wraps each call in
 * interceptor and call-stream layers (about a fifth of a unit's CPU per
 * call under load) and takes 8 MB to load. Here a call is one HTTP/2
 * stream: a 5-byte length-prefixed message in, the answer's message out,
 * its status in trailers (grpc/doc/PROTOCOL-HTTP2.md).
 */
import { Buffer } from 'node:buffer';
import http2 from 'node:http2';
import zlib from 'node:zlib';
import { GrpcCode } from '../protocol/grpc-codes.js';

export interface UnaryMethod<Req = unknown, Res = unknown> {
  /** Protobuf bytes to the request object; throws on bytes that do not decode. */
  decode(bytes: Buffer): Req;
  /** Answers the call; a rejection goes through the server's `failure`. */
  handle(request: Req, headers: http2.IncomingHttpHeaders): Promise<Res>;
  encode(response: Res): Buffer;
}

/** A failed call's status: grpc-status and grpc-message (protocol/grpc-status.ts's grpcStatusFor gives one). */
export interface GrpcFailure {
  code: number;
  details: string;
}

export interface UnaryServerOptions {
  host: string;
  port: number;
  /** By `:path`, e.g. /seldon.protos.Seldon/Predict. */
  methods: ReadonlyMap<string, UnaryMethod>;
  maxReceiveBytes: number;
  /** The status a handler's rejection becomes. */
  failure(err: unknown): GrpcFailure;
}

export interface UnaryServer {
  readonly port: number;
  /** Stops accepting, lets calls in flight finish (GOAWAY), destroys what is left after graceMs. */
  close(graceMs: number): Promise<void>;
}

const ACCEPT_ENCODING = 'identity,deflate,gzip';
const TIMEOUT_UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

/** grpc-timeout ("100m", "5S") in ms; undefined when absent, NaN when malformed. */
export function parseGrpcTimeout(v: string | string[] | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d{1,8})([HMSmun])$/.exec(String(v));
  return m ? Number(m[1]) * (TIMEOUT_UNIT_MS[m[2]!] ?? Number.NaN) : Number.NaN;
}

/** grpc-message is percent-encoded UTF-8 outside printable ASCII (and '%' itself). */
export function encodeGrpcMessage(s: string): string {
  return s.replace(/[^\x20-\x24\x26-\x7e]+/gu, (run) =>
    Array.from(Buffer.from(run, 'utf8'), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/** One gRPC length-prefixed message: flag byte 0 (not compressed), 4-byte big-endian length, the bytes. */
export function grpcFrame(message: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame[0] = 0;
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  return frame;
}

function inflateMessage(encoding: string, bytes: Buffer, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, out: Buffer) => (err ? reject(err) : resolve(out));
    // zlib fails with ERR_BUFFER_TOO_LARGE past max, before allocating the rest
    if (encoding === 'gzip') zlib.gunzip(bytes, { maxOutputLength: max }, done);
    else zlib.inflate(bytes, { maxOutputLength: max }, done);
  });
}

export async function startUnaryServer(opts: UnaryServerOptions): Promise<UnaryServer> {
  const { methods, maxReceiveBytes: max } = opts;
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
    s.on('error', () => {});
  });
  server.on('sessionError', () => {});
  server.on('stream', (stream, headers) => serveCall(stream, headers));

  function serveCall(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    let answered = false;
    let timer: NodeJS.Timeout | undefined;
    stream.on('error', () => {});
    // a trailers-only reply: status in the one HEADERS frame, stream ended
    const reply = (code: number, message: string, httpStatus = 200, extra?: http2.OutgoingHttpHeaders) => {
      if (answered) return;
      answered = true;
      if (timer) clearTimeout(timer);
      if (stream.destroyed || stream.headersSent) return;
      stream.respond(
        {
          ':status': httpStatus,
          'content-type': 'application/grpc+proto',
          'grpc-status': String(code),
          'grpc-message': encodeGrpcMessage(message),
          ...extra,
        },
        { endStream: true },
      );
    };
    const path = headers[':path'] ?? '';
    const contentType = headers['content-type'] ?? '';
    if (!contentType.startsWith('application/grpc')) {
      // 415 keeps a plain HTTP/2 client from reading an error as success
      reply(GrpcCode.UNKNOWN, `content-type '${contentType}' is not application/grpc`, 415);
      return;
    }
    if (headers[':method'] !== 'POST') {
      reply(GrpcCode.UNIMPLEMENTED, `gRPC calls are POST, not ${headers[':method']}`, 405);
      return;
    }
    const method = methods.get(path);
    if (!method) {
      reply(GrpcCode.UNIMPLEMENTED, `The server does not implement the method ${path}`);
      return;
    }
    const timeoutMs = parseGrpcTimeout(headers['grpc-timeout']);
    if (Number.isNaN(timeoutMs)) {
      reply(GrpcCode.INTERNAL, `Invalid grpc-timeout value "${headers['grpc-timeout']}"`);
      return;
    }
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => reply(GrpcCode.DEADLINE_EXCEEDED, 'Deadline exceeded'), timeoutMs);
      // a cancelled call's timer goes with it (without a timer, stream.destroyed says enough)
      stream.on('close', () => clearTimeout(timer));
    }

    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      if (answered) return;
      size += chunk.length;
      if (size > max + 5) {
        reply(GrpcCode.RESOURCE_EXHAUSTED, `Received message larger than max (${size - 5} vs. ${max})`);
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => {
      if (answered) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      if (body.length === 0) {
        reply(GrpcCode.UNIMPLEMENTED, `Received no request message for unary call ${path}`);
        return;
      }
      const length = body.length >= 5 ? body.readUInt32BE(1) : -1;
      if (length < 0 || body.length < 5 + length) {
        reply(GrpcCode.INTERNAL, 'Received a truncated request message');
        return;
      }
      if (length > max) {
        reply(GrpcCode.RESOURCE_EXHAUSTED, `Received message larger than max (${length} vs. ${max})`);
        return;
      }
      if (body.length > 5 + length) {
        reply(GrpcCode.UNIMPLEMENTED, `Received a second request message for unary call ${path}`);
        return;
      }
      const payload = body.subarray(5);
      if (body[0] === 0) {
        answer(method, payload);
        return;
      }
      const encoding = String(headers['grpc-encoding'] ?? 'identity');
      if (encoding !== 'gzip' && encoding !== 'deflate') {
        reply(
          encoding === 'identity' ? GrpcCode.INTERNAL : GrpcCode.UNIMPLEMENTED,
          encoding === 'identity'
            ? 'Received a compressed message with grpc-encoding identity'
            : `Received message compressed with unsupported encoding "${encoding}"`,
          200,
          { 'grpc-accept-encoding': ACCEPT_ENCODING },
        );
        return;
      }
      inflateMessage(encoding, payload, max).then(
        (plain) => answer(method, plain),
        (err: NodeJS.ErrnoException) =>
          err.code === 'ERR_BUFFER_TOO_LARGE'
            ? reply(
                GrpcCode.RESOURCE_EXHAUSTED,
                `Received message that decompresses to a size larger than ${max}`,
              )
            : reply(GrpcCode.INTERNAL, `Received a message that does not decompress: ${err.message}`),
      );
    });

    function answer(m: UnaryMethod, bytes: Buffer): void {
      let request: unknown;
      try {
        request = m.decode(bytes);
      } catch (err) {
        reply(GrpcCode.INTERNAL, `Error deserializing request: ${(err as Error).message}`);
        return;
      }
      m.handle(request, headers).then(
        (response) => {
          if (answered || stream.destroyed) return;
          let out: Buffer;
          try {
            out = m.encode(response);
          } catch (err) {
            reply(GrpcCode.INTERNAL, `Error serializing response: ${(err as Error).message}`);
            return;
          }
          answered = true;
          if (timer) clearTimeout(timer);
          stream.respond(
            { ':status': 200, 'content-type': 'application/grpc+proto' },
            { waitForTrailers: true },
          );
          stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
          stream.end(grpcFrame(out));
        },
        (err: unknown) => {
          const f = opts.failure(err);
          reply(f.code, f.details);
        },
      );
    }
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });

  return {
    port,
    close(graceMs) {
      return new Promise((resolve) => {
        const force = setTimeout(() => {
          for (const s of sessions) s.destroy();
        }, graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        for (const s of sessions) s.close();
      });
    },
  };
}
