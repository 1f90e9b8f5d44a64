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
