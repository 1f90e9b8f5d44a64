/**
 * Writes handed straight to a socket's handle, the way node's own
 * stream code hands them over, without passing through the socket's
 * Writable. For the one write a proxied request or response usually is,
 * the Writable's bookkeeping (state checks, the write callback, a
 * nextTick per write) cost more user time than everything else node does
 * for it: in a bare proxy this took its CPU per request to 0.91x. Node
 * offers no public way to do it, so it is taken only where it keeps what
 * the Writable would do: nothing queued or corked before it, the socket
 * connected, open and not TLS. Everywhere else, and on a Node where the
 * handle's write request is not found, it is `socket.write`.
 */
import type { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import { getSystemErrorName } from 'node:util';

interface WriteReq {
  handle: unknown;
  oncomplete: (status: number) => void;
  socket: Socket | undefined;
  /** Holds what is written until the kernel has it. */
  data: Buffer | string | undefined;
}

interface StreamWrap {
  WriteWrap: new () => WriteReq;
  streamBaseState: Int32Array;
  kLastWriteWasAsync: number;
}

interface Handle {
  writeBuffer?(req: WriteReq, data: Buffer): number;
  writeLatin1String?(req: WriteReq, data: string): number;
}

const WRAP: StreamWrap | undefined = loadStreamWrap();

function loadStreamWrap(): StreamWrap | undefined {
  const binding = (process as unknown as { binding?: (name: string) => unknown }).binding;
  if (typeof binding !== 'function') return undefined;
  try {
    const wrap = binding('stream_wrap') as Partial<StreamWrap>;
    if (
      typeof wrap.WriteWrap === 'function' &&
      wrap.streamBaseState instanceof Int32Array &&
      typeof wrap.kLastWriteWasAsync === 'number'
    ) {
      return wrap as StreamWrap;
    }
  } catch {
    // Not offered by this Node: every write goes through socket.write.
  }
  return undefined;
}

/** Direct writes the kernel has not finished taking, per socket. */
const kPending = Symbol('sdep.pendingDirectWrites');
type Tracked = Socket & { [kPending]?: number; _handle?: Handle | null; encrypted?: boolean };

/**
 * `socket.write(data)` (a string is latin1): the same bytes in the same
 * order, and the same answer. It returns false when the kernel did not take
 * everything at once, and the socket emits 'drain' once it has. A failed
 * write destroys the socket with the error, as a failed socket.write does.
 */
export function writeDirect(socket: Socket, data: Buffer | string): boolean {
  const s = socket as Tracked;
  const handle = s._handle;
  const pending = s[kPending] ?? 0;
  if (
    WRAP === undefined ||
    handle == null ||
    s.encrypted === true ||
    s.connecting ||
    !s.writable ||
    s.writableLength > 0 ||
    s.writableCorked > 0 ||
    pending > 0
  ) {
    // Behind a direct write the kernel has not taken: the caller waits for its 'drain'.
    return writeThrough(socket, data) && pending === 0;
  }
  const write = typeof data === 'string' ? handle.writeLatin1String : handle.writeBuffer;
  if (typeof write !== 'function') return writeThrough(socket, data);
  const req = new WRAP.WriteWrap();
  req.handle = handle;
  req.oncomplete = onComplete;
  req.socket = undefined;
  req.data = undefined;
  const err = (write as (r: WriteReq, d: Buffer | string) => number).call(handle, req, data);
  if (err !== 0) {
    socket.destroy(writeError(err));
    return false;
  }
  if (WRAP.streamBaseState[WRAP.kLastWriteWasAsync] === 0) return true;
  req.socket = socket;
  req.data = data;
  s[kPending] = (s[kPending] ?? 0) + 1;
  return false;
}

function writeThrough(socket: Socket, data: Buffer | string): boolean {
  return typeof data === 'string' ? socket.write(data, 'latin1') : socket.write(data);
}

/** Called by the handle (`this` is the request) once the kernel took an async write. */
function onComplete(this: WriteReq, status: number): void {
  const socket = this.socket as Tracked | undefined;
  this.socket = undefined;
  this.data = undefined;
  if (socket === undefined) return;
  socket[kPending] = (socket[kPending] ?? 1) - 1;
  if (socket.destroyed) return;
  if (status < 0) {
    socket.destroy(writeError(status));
    return;
  }
  if (socket[kPending] === 0) socket.emit('drain');
}

/** The error socket.write gives for the same failure (`write EPIPE`). */
function writeError(status: number): Error {
  const code = getSystemErrorName(status);
  const err = new Error(`write ${code}`) as Error & { errno: number; code: string; syscall: string };
  err.errno = status;
  err.code = code;
  err.syscall = 'write';
  return err;
}

/** Whether this Node lets `writeDirect` bypass socket.write (tests say which path they cover). */
export function directWritesAvailable(): boolean {
  return WRAP !== undefined;
}
