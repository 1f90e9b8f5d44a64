/**
 * A proto-loader method definition as a unary-server method: its path, and
 * its protobuf codecs around the handler.
 */
import type { IncomingHttpHeaders } from 'node:http2';
import type { MethodDefinition } from '@grpc/proto-loader';
import type { UnaryMethod } from './unary-server.js';

export function protoMethod<Req>(
  def: MethodDefinition<object, object>,
  handle: (req: Req, headers: IncomingHttpHeaders) => Promise<object>,
): [string, UnaryMethod] {
  return [
    def.path,
    {
      decode: (bytes) => def.requestDeserialize(bytes) as Req,
      handle: handle as UnaryMethod['handle'],
      encode: (res) => def.responseSerialize(res as object),
    },
  ];
}
