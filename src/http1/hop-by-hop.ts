/**
 * Fields of one connection, not of the message (RFC 9110 §7.6.1), which a
 * proxy drops as Envoy does: the fixed list, and any field the Connection
 * header names. One definition for the response parser (which never stores
 * them) and the gateway's header edits (which delete them from node's and
 * undici's objects).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

export const HOP_BY_HOP: readonly string[] = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'expect',
];

/** `name` (lowercase) is in HOP_BY_HOP; by length first, as it runs for every field. */
export function isHopByHop(name: string): boolean {
  switch (name.length) {
    case 6:
      return name === 'expect';
    case 7:
      return name === 'upgrade';
    case 10:
      return name === 'connection' || name === 'keep-alive';
    case 16:
      return name === 'proxy-connection';
    case 17:
      return name === 'transfer-encoding';
    default:
      return false;
  }
}

/** Deletes the fields that a Connection value names (rare: a delete here is fine); returns how many. */
export function dropConnectionOptions(
  headers: IncomingHttpHeaders | OutgoingHttpHeaders,
  connection: string,
): number {
  if (connection === 'keep-alive' || connection === 'close') return 0;
  let dropped = 0;
  for (const token of connection.split(',')) {
    const name = token.trim().toLowerCase();
    if (name !== '' && name !== 'close' && name !== 'keep-alive' && Object.hasOwn(headers, name)) {
      delete headers[name];
      dropped++;
    }
  }
  return dropped;
}

/**
 * Whether a Connection value (lowercase) names only the connection's own
 * options (close, keep-alive), not fields that must be dropped with it.
 */
export function namesOnlyOptions(connection: string): boolean {
  if (connection === 'keep-alive' || connection === 'close') return true;
  for (const token of connection.split(',')) {
    const name = token.trim();
    if (name !== '' && name !== 'close' && name !== 'keep-alive') return false;
  }
  return true;
}

/**
 * `name` (lowercase) is a forwarding field, which a proxy writes itself
 * rather than passing on as it came: the Host it sends to, the request id,
 * the forwarded-for chain and scheme, and the path before a rewrite. By
 * length first, as it runs for every field.
 */
export function isForwarding(name: string): boolean {
  switch (name.length) {
    case 4:
      return name === 'host';
    case 12:
      return name === 'x-request-id';
    case 15:
      return name === 'x-forwarded-for';
    case 17:
      return name === 'x-forwarded-proto';
    case 21:
      return name === 'x-envoy-original-path';
    default:
      return false;
  }
}
