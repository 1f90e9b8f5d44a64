/**
 * Reads of an accepted socket into one shared buffer, as `net.connect`'s
 * public `onread` option does for client sockets (upstream-pool.ts uses it).
 * Without it, node allocates a 64 KiB buffer for every read, shrinks it to
 * the bytes read, and pushes the piece through the socket's Readable (buffer
 * list, 'data' emit, a read-more tick): about 5 % of the gateway's CPU per
 * request. Node gives accepted sockets no such option, so this sets the two
 * socket fields that option sets, found by their names on a socket built
 * with it. Where they are not found (another Node), reads stay on 'data'.
 */
import { Buffer } from 'node:buffer';
import { Socket } from 'node:net';
import { inReadCallback } from './read-clock.js';

/** Shared by every socket: each read is copied out before the next can land. */
const SHARED = Buffer.allocUnsafe(64 * 1024);

type ReadCallback = (nread: number, buf: Buffer) => boolean | undefined;

interface Fields {
  buffer: symbol;
  callback: symbol;
}

const FIELDS: Fields | undefined = findFields();

function findFields(): Fields | undefined {
  const probe = new Socket({
    onread: { buffer: SHARED, callback: () => true },
  } as ConstructorParameters<typeof Socket>[0]);
  const own = Object.getOwnPropertySymbols(probe);
  const buffer = own.find((s) => s.description === 'kBuffer');
  const callback = own.find((s) => s.description === 'kBufferCb');
  const fields = probe as unknown as Record<symbol, unknown>;
  if (buffer === undefined || callback === undefined || fields[buffer] !== SHARED) return undefined;
  return { buffer, callback };
}

interface HandleOf {
  _handle?: { useUserBuffer?: (buf: Uint8Array) => void } | null;
}

/**
 * From now on, each read of `socket` goes to `onRead` as the shared buffer
 * and the number of bytes read into it, not to 'data' listeners. Those
 * bytes are valid only during the call: the next read of any socket
 * overwrites them, so `onRead` copies out what it keeps (copyOut,
 * copyRange). 'end', 'error', 'close', pause() and resume() work as
 * before. Returns false, and changes nothing, where this Node does not
 * allow it, for a TLS socket, or when bytes are already buffered in the
 * socket's Readable.
 */
export function readInto(socket: Socket, onRead: (bytes: Buffer, length: number) => void): boolean {
  const handle = (socket as HandleOf)._handle;
  if (
    FIELDS === undefined ||
    typeof handle?.useUserBuffer !== 'function' ||
    (socket as { encrypted?: boolean }).encrypted === true ||
    socket.readableLength > 0
  ) {
    return false;
  }
  const fields = socket as unknown as Record<symbol, unknown>;
  fields[FIELDS.buffer] = SHARED;
  fields[FIELDS.callback] = ((nread: number, buf: Buffer) => {
    inReadCallback(onRead, buf, nread);
    return undefined;
  }) satisfies ReadCallback;
  handle.useUserBuffer(SHARED);
  return true;
}

/**
 * Puts the reads of a socket given to `readInto` back through its Readable
 * ('data', unshift, pipe), for a reader that takes the socket over (node's
 * http server). Backpressure works as it does there: a full Readable stops
 * the reads.
 */
export function readIntoReadable(socket: Socket): void {
  if (FIELDS === undefined) return;
  const fields = socket as unknown as Record<symbol, unknown>;
  if (fields[FIELDS.buffer] !== SHARED) return;
  fields[FIELDS.callback] = ((nread: number, buf: Buffer) =>
    socket.push(copyOut(buf, nread))) satisfies ReadCallback;
}

/** Whether this Node lets `readInto` work (tests say which path they cover). */
export function sharedReadsAvailable(): boolean {
  return FIELDS !== undefined;
}

/** The first `nread` bytes of a shared read buffer, in a Buffer of their own. */
export function copyOut(buf: Buffer, nread: number): Buffer {
  return copyRange(buf, 0, nread);
}

/** Bytes [from, to) of a shared read buffer, in a Buffer of their own. */
export function copyRange(buf: Buffer, from: number, to: number): Buffer {
  // allocUnsafe takes small sizes from node's pool: cheaper than the 64 KiB allocation it replaces.
  const chunk = Buffer.allocUnsafe(to - from);
  buf.copy(chunk, 0, from, to);
  return chunk;
}
