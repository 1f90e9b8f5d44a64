import assert from 'node:assert/strict';
import { once } from 'node:events';
import net, { type Socket } from 'node:net';
import { test } from 'node:test';
import { bytePattern } from '../../test/fixtures/byte-pattern.js';
import { copyOut, copyRange, readInto, readIntoReadable, sharedReadsAvailable } from './socket-reads.js';

/** A server whose one accepted socket `onSocket` sets up, and a client connected to it. */
async function pair(onSocket: (s: Socket) => void): Promise<{ client: Socket; server: net.Server }> {
  const server = net.createServer(onSocket);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const client = net.connect(port, '127.0.0.1');
  await once(client, 'connect');
  return { client, server };
}

/** A promise and its resolve (Node 20 has no Promise.withResolvers). */
function latch<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

test('on this Node, accepted sockets can read through the shared buffer', () => {
  // The gateway's and the unit's fronts rely on it; a Node without it falls back to 'data'.
  assert.equal(sharedReadsAvailable(), true);
});

test('every read reaches the callback in the one shared buffer, in order; no data events; end still comes', async () => {
  const chunks: Buffer[] = [];
  const buffers = new Set<Buffer>();
  let dataEvents = 0;
  let taken = false;
  const ended = latch<void>();
  const { client, server } = await pair((s) => {
    taken = readInto(s, (bytes, length) => {
      buffers.add(bytes);
      chunks.push(copyOut(bytes, length));
    });
    s.on('data', () => dataEvents++);
    s.on('end', () => ended.resolve());
  });
  const sent = [bytePattern(100_000, 1), bytePattern(70_000, 2), bytePattern(3, 3)];
  for (const b of sent) client.write(b);
  client.end();
  await ended.promise;
  assert.equal(taken, true);
  assert.equal(dataEvents, 0);
  // Every read landed in the same buffer, which later reads overwrote: the copies must not have changed with it.
  assert.ok(chunks.length >= 3, `${chunks.length} reads`);
  assert.equal(buffers.size, 1);
  assert.ok(Buffer.concat(chunks).equals(Buffer.concat(sent)));
  server.close();
});

test('pause() stops the reads and resume() brings the rest', async () => {
  const chunks: Buffer[] = [];
  let socket: Socket | undefined;
  const first = latch<void>();
  const ended = latch<void>();
  const { client, server } = await pair((s) => {
    socket = s;
    readInto(s, (bytes, length) => {
      chunks.push(copyOut(bytes, length));
      if (chunks.length === 1) {
        s.pause();
        first.resolve();
      }
    });
    s.on('end', () => ended.resolve());
  });
  client.write('one');
  await first.promise;
  client.write('two');
  client.end();
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(chunks.map(String), ['one']);
  assert.equal(socket!.isPaused(), true);
  socket!.resume();
  await ended.promise;
  assert.equal(Buffer.concat(chunks).toString(), 'onetwo');
  server.close();
});

test('readIntoReadable: bytes put back with unshift, then later reads, come out of data events', async () => {
  const seen: Buffer[] = [];
  const ended = latch<void>();
  const first = latch<Buffer>();
  let socket: Socket | undefined;
  const { client, server } = await pair((s) => {
    socket = s;
    readInto(s, (bytes, length) => first.resolve(copyOut(bytes, length)));
    s.on('end', () => ended.resolve());
  });
  client.write('head');
  const head = await first.promise;
  const s = socket!;
  readIntoReadable(s);
  s.pause();
  s.unshift(head);
  s.on('data', (c: Buffer) => seen.push(c));
  s.resume();
  client.end(bytePattern(200_000, 9));
  await ended.promise;
  assert.ok(Buffer.concat(seen).equals(Buffer.concat([Buffer.from('head'), bytePattern(200_000, 9)])));
  server.close();
});

test('copyRange: the bytes of a range in a buffer of their own, unchanged when the source is overwritten', () => {
  const source = Buffer.from('0123456789');
  const part = copyRange(source, 3, 7);
  source.fill(0);
  assert.equal(part.toString(), '3456');
  assert.equal(copyRange(source, 4, 4).length, 0);
});
