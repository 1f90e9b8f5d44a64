/**
 * Fields of one connection, not of the message (RFC 9110 §7.6.1), which a
 * proxy drops as Envoy does: the fixed list, and any field the Connection
 * header names. One definition for the parsers (which never store them, or
 * never pass them on) and the gateway's header edits (which delete them
 * from node's and undici's objects). Beside them, the forwarding fields a
 * proxy writes itself.
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

/** What a proxy does with a field: passes it on, drops it (hop-by-hop) or writes it itself (forwarding). */
export const MESSAGE_FIELD = 0;
export const HOP_BY_HOP_FIELD = 1;
/**
 * Host, the request id, the forwarded-for chain and scheme, and the path
 * before a rewrite: a proxy writes these itself rather than passing them
 * on as they came.
 */
export const FORWARDING_FIELD = 2;

/** The role of `name` (lowercase); by length first, as it runs for every field. */
export function fieldRole(name: string): number {
  switch (name.length) {
    case 4:
      return name === 'host' ? FORWARDING_FIELD : MESSAGE_FIELD;
    case 6:
      return name === 'expect' ? HOP_BY_HOP_FIELD : MESSAGE_FIELD;
    case 7:
      return name === 'upgrade' ? HOP_BY_HOP_FIELD : MESSAGE_FIELD;
    case 10:
      return name === 'connection' || name === 'keep-alive' ? HOP_BY_HOP_FIELD : MESSAGE_FIELD;
    case 12:
      return name === 'x-request-id' ? FORWARDING_FIELD : MESSAGE_FIELD;
    case 15:
      return name === 'x-forwarded-for' ? FORWARDING_FIELD : MESSAGE_FIELD;
    case 16:
      return name === 'proxy-connection' ? HOP_BY_HOP_FIELD : MESSAGE_FIELD;
    case 17:
      if (name === 'transfer-encoding') return HOP_BY_HOP_FIELD;
      return name === 'x-forwarded-proto' ? FORWARDING_FIELD : MESSAGE_FIELD;
    case 21:
      return name === 'x-envoy-original-path' ? FORWARDING_FIELD : MESSAGE_FIELD;
    default:
      return MESSAGE_FIELD;
  }
}

/** `name` (lowercase) is in HOP_BY_HOP. */
export function isHopByHop(name: string): boolean {
  return fieldRole(name) === HOP_BY_HOP_FIELD;
}

const NONE: readonly string[] = [];

/**
 * The fields a Connection value names beside the connection's own options
 * (close, keep-alive), lowercase: they are dropped with it.
 */
export function connectionFieldNames(connection: string): readonly string[] {
  if (connection === 'keep-alive' || connection === 'close') return NONE;
  const names: string[] = [];
  for (const token of connection.split(',')) {
    const name = token.trim().toLowerCase();
    if (name !== '' && name !== 'close' && name !== 'keep-alive') names.push(name);
  }
  return names;
}

/** Deletes the fields that a Connection value names (rare: a delete here is fine); returns how many. */
export function dropConnectionOptions(
  headers: IncomingHttpHeaders | OutgoingHttpHeaders,
  connection: string,
): number {
  let dropped = 0;
  for (const name of connectionFieldNames(connection)) {
    if (Object.hasOwn(headers, name)) {
      delete headers[name];
      dropped++;
    }
  }
  return dropped;
}
