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
