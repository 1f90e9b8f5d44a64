import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import net, { type Socket } from 'node:net';
import { test } from 'node:test';
import { bytePattern } from '../../test/fixtures/byte-pattern.js';
import { directWritesAvailable, writeDirect } from './socket-writes.js';

/** A connected pair on 127.0.0.1: `local` is the accepted socket we write to, `peer` the client. */
async function pair(): Promise<{ local: Socket; peer: Socket; close(): void }> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const accepted = once(server, 'connection');
  const peer = net.connect(port, '127.0.0.1');
  const [local] = (await accepted) as [Socket];
  await once(peer, 'connect');
  return {
    local,
    peer,
    close: () => {
      local.destroy();
      peer.destroy();
      server.close();
    },
  };
}

/** Everything `peer` receives until it has `n` bytes. */
async function receive(peer: Socket, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  for await (const c of peer) {
    chunks.push(c as Buffer);
    got += (c as Buffer).length;
    if (got >= n) break;
  }
  return Buffer.concat(chunks);
}

test('on this Node, writes can go straight to the handle', () => {
  // The gateway relies on it for its one write per request; elsewhere it is socket.write.
  assert.equal(directWritesAvailable(), true);
});

test('direct writes, strings as latin1, mixed with socket.write: the same bytes in the same order', async () => {
  const { local, peer, close } = await pair();
  const parts: (Buffer | string)[] = [
    'HTTP/1.1 200 OK\r\ncaf\u00e9: 1\r\n\r\n',
    bytePattern(5000, 1),
    'tail',
  ];
  const expected = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
  const received = receive(peer, expected.length);
  assert.equal(writeDirect(local, parts[0]!), true);
  assert.equal(local.write(parts[1]!), true);
  assert.equal(writeDirect(local, parts[2]!), true);
  assert.ok((await received).equals(expected));
  close();
});

test('a write the kernel cannot take at once: false, then drain; later writes queue behind it', async () => {
  const { local, peer, close } = await pair();
  peer.pause();
  // Bigger than the loopback socket buffers can hold: the kernel takes part of it.
  const big = bytePattern(64 * 1024 * 1024, 2);
  assert.equal(writeDirect(local, big), false);
  // Pending in the handle, not in the Writable: the direct path was taken.
  assert.equal(local.writableLength, 0);
  // While it is pending, a write goes through socket.write, behind it.
  assert.equal(writeDirect(local, 'after'), false);
  const drained = once(local, 'drain');
  const received = receive(peer, big.length + 5);
  peer.resume();
  await drained;
  const all = await received;
  assert.equal(all.length, big.length + 5);
  assert.ok(all.subarray(0, big.length).equals(big));
  assert.equal(all.subarray(big.length).toString('latin1'), 'after');
  close();
});

test('a corked socket is written through socket.write, in order with the cork', async () => {
  const { local, peer, close } = await pair();
  const received = receive(peer, 6);
  local.cork();
  local.write('ab');
  writeDirect(local, 'cd');
  assert.equal(local.writableLength, 4, 'the direct write waited in the Writable behind the corked one');
  local.uncork();
  writeDirect(local, Buffer.from('ef'));
  assert.equal((await received).toString(), 'abcdef');
  close();
});

test('writing to a connection the peer reset destroys the socket with the write error', async () => {
  const { local, peer, close } = await pair();
  peer.resetAndDestroy();
  await once(peer, 'close');
  // The reset reaches us asynchronously: write until the kernel reports it.
  const failed = once(local, 'error');
  const deadline = Date.now() + 5000;
  while (!local.destroyed && Date.now() < deadline) {
    writeDirect(local, bytePattern(1024, 3));
    await new Promise((r) => setTimeout(r, 5));
  }
  const [err] = (await failed) as [NodeJS.ErrnoException];
  assert.equal(local.destroyed, true);
  assert.match(String(err.code), /^(ECONNRESET|EPIPE)$/);
  assert.equal(err.syscall, 'write');
  close();
});
