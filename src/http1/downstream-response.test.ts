import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { H1Response, type ResponseOwner } from './downstream-response.js';

/** An owner whose socket records what is written. */
function owner(closes = false): ResponseOwner & { wire(): string; ended: number } {
  const parts: string[] = [];
  const socket = {
    write(chunk: string | Buffer) {
      parts.push(typeof chunk === 'string' ? chunk : chunk.toString('latin1'));
      return true;
    },
    cork() {},
    uncork() {},
  } as unknown as Socket;
  const o = {
    socket,
    ended: 0,
    closesAfterResponse: () => closes,
    responseEnded: () => {
      o.ended++;
    },
    destroyConnection: () => {},
    wire: () => parts.join(''),
  };
  return o;
}

test('a handler that capitalises framing names gets one content-length and no chunking', () => {
  const o = owner();
  const res = new H1Response(o, 'POST');
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 2 });
  res.end('ok');
  const wire = o.wire();
  assert.match(wire, /^HTTP\/1\.1 200 OK\r\n/);
  assert.equal(wire.match(/content-length: 2\r\n/gi)?.length, 1, wire);
  assert.doesNotMatch(wire, /transfer-encoding/i);
  assert.ok(wire.endsWith('\r\n\r\nok'), wire);
  assert.equal(o.ended, 1);
  assert.equal(res.writableFinished, true);
});

test('connection: close from the handler is written once and asks the connection to close', () => {
  const o = owner();
  const res = new H1Response(o, 'GET');
  res.writeHead(413, { 'content-type': 'application/json', 'content-length': 2, connection: 'close' });
  res.end('{}');
  assert.equal(o.wire().match(/connection: close\r\n/g)?.length, 1);
  assert.equal(res.closeAfter, true);
});

test('no length: the body goes chunked and ends with the last chunk', () => {
  const o = owner();
  const res = new H1Response(o, 'GET');
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.write(Buffer.from('abc'));
  res.end();
  const wire = o.wire();
  assert.match(wire, /transfer-encoding: chunked\r\n/);
  assert.ok(wire.endsWith('\r\n\r\n3\r\nabc\r\n0\r\n\r\n'), JSON.stringify(wire));
});

test('a forwarded head: its lines as given, ours after, a date only when it had none, one length', () => {
  const o = owner();
  const res = new H1Response(o, 'POST');
  const taken = res.writeHeadForwarded(
    200,
    { 'content-type': 'a/b', 'content-length': '2' },
    'content-type: a/b\r\ncontent-length: 2\r\n',
    'server: envoy\r\n',
  );
  assert.equal(taken, true);
  res.end(Buffer.from('ok'));
  const wire = o.wire();
  assert.match(
    wire,
    /^HTTP\/1\.1 200 OK\r\ncontent-type: a\/b\r\ncontent-length: 2\r\nserver: envoy\r\ndate: [^\r]+ GMT\r\n\r\nok$/,
  );
  const dated = owner(true);
  const r = new H1Response(dated, 'GET');
  r.writeHeadForwarded(200, { date: 'D', 'content-length': '0' }, 'date: D\r\ncontent-length: 0\r\n', '');
  r.end();
  assert.equal(dated.wire(), 'HTTP/1.1 200 OK\r\ndate: D\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
});

test('a forwarded head without a length goes chunked; a 204 with a length is left to writeHead', () => {
  const o = owner();
  const res = new H1Response(o, 'GET');
  res.writeHeadForwarded(200, { date: 'D' }, 'date: D\r\n', '');
  res.write(Buffer.from('abc'));
  res.end();
  assert.equal(
    o.wire(),
    'HTTP/1.1 200 OK\r\ndate: D\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
  );
  const n = owner();
  const empty = new H1Response(n, 'GET');
  assert.equal(empty.writeHeadForwarded(204, { 'content-length': '0' }, 'content-length: 0\r\n', ''), false);
  assert.equal(empty.headersSent, false);
  empty.writeHead(204, { 'content-length': '0' });
  empty.end();
  assert.doesNotMatch(n.wire(), /content-length/);
});

test('close: the watcher is told once, ahead of the listeners; finish and close are emitted when listened for', () => {
  const order: string[] = [];
  const res = new H1Response(owner(), 'GET');
  res.watchClose({ downstreamClosed: () => order.push('watcher') });
  res.on('finish', () => order.push('finish'));
  res.on('close', () => order.push('close'));
  res.end('x');
  res.connectionClosed();
  assert.deepEqual(order, ['finish', 'watcher', 'close']);

  // Cut short: the watcher hears of it once, however often the connection reports it.
  const cut: string[] = [];
  const early = new H1Response(owner(), 'GET');
  early.watchClose({ downstreamClosed: () => cut.push('watcher') });
  early.once('close', () => cut.push('close'));
  early.connectionClosed();
  early.connectionClosed();
  assert.deepEqual(cut, ['watcher', 'close']);
  assert.equal(early.destroyed, true);
});
