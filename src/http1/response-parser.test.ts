import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendHeaderLines } from './header-lines.js';
import { FramingError, type ResponseHead, ResponseParser } from './response-parser.js';

interface Parsed {
  heads: ResponseHead[];
  body: string;
  ended: number;
  extra: number;
  parser: ResponseParser;
}

function parse(wire: string | Buffer[], headRequest = false): Parsed {
  const out: Parsed = { heads: [], body: '', ended: 0, extra: 0, parser: undefined as never };
  const p = new ResponseParser(
    {
      onHead: (h) => out.heads.push(h),
      onData: (c) => {
        out.body += c.toString();
      },
      onEnd: () => {
        out.ended++;
      },
    },
    headRequest,
  );
  out.parser = p;
  const parts = typeof wire === 'string' ? [Buffer.from(wire)] : wire;
  for (const part of parts) out.extra = p.feed(part);
  return out;
}

test('content-length body; lowercase names; duplicates joined, set-cookie kept apart; keep-alive', () => {
  const r = parse(
    'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhello',
  );
  assert.equal(r.heads.length, 1);
  assert.equal(r.heads[0]!.status, 200);
  assert.equal(r.heads[0]!.statusMessage, 'OK');
  assert.equal(r.heads[0]!.headers['x-a'], '1, 2');
  assert.deepEqual(r.heads[0]!.headers['set-cookie'], ['a=1', 'b=2']);
  assert.equal(r.heads[0]!.keepAlive, true);
  assert.equal(r.body, 'hello');
  assert.equal(r.ended, 1);
  assert.equal(r.extra, 0);
});

test('split anywhere, the head and body parse the same', () => {
  const wire = Buffer.from('HTTP/1.1 201 Created\r\ncontent-length: 3\r\n\r\nabc');
  for (let cut = 1; cut < wire.length; cut++) {
    const r = parse([wire.subarray(0, cut), wire.subarray(cut)]);
    assert.equal(r.heads[0]?.status, 201, `cut ${cut}`);
    assert.equal(r.body, 'abc', `cut ${cut}`);
    assert.equal(r.ended, 1, `cut ${cut}`);
  }
});

test('chunked body is decoded; bytes after the message are counted as extra', () => {
  const r = parse('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nJUNK');
  assert.equal(r.body, 'abc');
  assert.equal(r.ended, 1);
  assert.equal(r.extra, 4);
});

test('no framing: the body runs to the connection end, which completes it; not reusable', () => {
  const r = parse('HTTP/1.1 200 OK\r\n\r\npart one ');
  assert.equal(r.ended, 0);
  assert.equal(r.heads[0]!.keepAlive, false);
  assert.equal(r.parser.endsAtClose, true);
  r.parser.feed(Buffer.from('and two'));
  assert.equal(r.parser.eof(), true);
  assert.equal(r.body, 'part one and two');
  assert.equal(r.ended, 1);
});

test('a cut-short content-length body is not complete at eof', () => {
  const r = parse('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc');
  assert.equal(r.parser.eof(), false);
  assert.equal(r.ended, 0);
});

test('HEAD, 204 and 304 have no body whatever they declare; 1xx is skipped', () => {
  assert.equal(parse('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n', true).ended, 1);
  assert.equal(parse('HTTP/1.1 204 No Content\r\ncontent-length: 10\r\n\r\n').ended, 1);
  assert.equal(parse('HTTP/1.1 304 Not Modified\r\n\r\n').ended, 1);
  const r = parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
  assert.deepEqual(
    r.heads.map((h) => h.status),
    [200],
  );
  assert.equal(r.body, 'ok');
});

test('keep-alive: HTTP/1.0 needs it asked for; connection: close ends it; chunked with a length is refused', () => {
  assert.equal(parse('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n').heads[0]!.keepAlive, false);
  assert.equal(
    parse('HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 0\r\n\r\n').heads[0]!.keepAlive,
    true,
  );
  assert.equal(
    parse('HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n').heads[0]!.keepAlive,
    false,
  );
  assert.throws(
    () =>
      parse('HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n'),
    FramingError,
    'both framings are refused',
  );
});

test('malformed responses throw FramingError', () => {
  const bad = [
    'HTTP/2 200 OK\r\n\r\n',
    'HTTP/1.1 2000 OK\r\n\r\n',
    'HTTP/1.1 abc OK\r\n\r\n',
    'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
    'HTTP/1.1 200 OK\r\n folded: x\r\n\r\n',
    'HTTP/1.1 200 OK\r\nname : x\r\n\r\n',
    'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n',
    'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 1\r\n\r\nx',
    'HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n',
    `HTTP/1.1 200 OK\r\nx: ${'a'.repeat(70_000)}`,
    'HTTP/1.1 200 OK\r\nx: a\rinjected: 1\r\n\r\n',
    'HTTP/1.1 200 OK\r\nx: a\ninjected: 1\r\n\r\n',
    'HTTP/1.1 200 OK\r\nx: a\0\r\n\r\n',
    // A name is token characters only: a LF in one would split the head written downstream.
    'HTTP/1.1 200 OK\r\nx\ninjected: 1: v\r\n\r\n',
    'HTTP/1.1 200 OK\r\nx\u00e9: 1\r\n\r\n',
    'HTTP/1.1 200 OK\r\n: empty name\r\n\r\n',
    // The status line too: a LF, NUL or lone CR in the reason phrase.
    'HTTP/1.1 200 O\nK\r\n\r\n',
    'HTTP/1.1 200 O\rK\r\n\r\n',
    'HTTP/1.1 200 O\0K\r\n\r\n',
  ];
  for (const wire of bad) assert.throws(() => parse(wire), FramingError, JSON.stringify(wire.slice(0, 40)));
});

test('a response nobody reads: no headers, no body bytes, the framing still holds', () => {
  const heads: ResponseHead[] = [];
  let data = 0;
  const p = new ResponseParser(
    { onHead: (h) => heads.push(h), onData: () => data++, onEnd: () => {} },
    false,
    false,
  );
  const extra = p.feed(
    Buffer.from(
      'HTTP/1.1 200 OK\r\nContent-Type: a/b\r\nKeep-Alive: timeout=5\r\nX-Long-Header-Name: 1\r\nContent-Length: 2\r\n\r\nokNEXT',
    ),
  );
  assert.deepEqual(heads[0]!.headers, {});
  assert.equal(heads[0]!.keepAliveMs, 5000);
  assert.equal(data, 0);
  assert.equal(p.complete, true);
  assert.equal(extra, 4);
});

/** Where a response ends and what it says of its connection, as a parser that keeps it or drops it reads them. */
function framingOf(wire: Buffer, cut: number, wanted: boolean): string {
  const heads: ResponseHead[] = [];
  let ended = 0;
  const p = new ResponseParser(
    { onHead: (h) => heads.push(h), onData: () => {}, onEnd: () => ended++ },
    false,
    wanted,
  );
  let extra = 0;
  try {
    for (const part of [wire.subarray(0, cut), wire.subarray(cut)]) extra += p.feed(part);
  } catch (e) {
    return `throws ${(e as Error).constructor.name}`;
  }
  const h = heads[0];
  const eof = p.eof();
  return JSON.stringify([h?.status, h?.keepAlive, h?.keepAliveMs, p.endsAtClose, ended, extra, eof]);
}

test('read for its framing only, a response ends where the full parse says, split anywhere; the same ones are refused', () => {
  const wires = [
    'HTTP/1.1 200 OK\r\nDate: x\r\nConnection: keep-alive\r\nKeep-Alive: timeout=120\r\nContent-Length: 3\r\n\r\nabcX',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nto the end',
    'HTTP/1.1 200 OK\r\nCONNECTION: Close\r\ncontent-length: 1\r\n\r\nz',
    'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n',
    'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n',
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Type: x\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok',
    'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nok',
    'HTTP/1.1 200 OK\r\nX-A: 1\nContent-Length: 9\r\nContent-Length: 2\r\n\r\nok',
    'HTTP/1.1 200 OK\r\n X-Folded: 1\r\nContent-Length: 2\r\n\r\nok',
    'HTTP/1.1 200 OK\r\nContent-Length: 2\r\r\n\r\nok',
  ];
  for (const text of wires) {
    const wire = Buffer.from(text, 'latin1');
    const whole = framingOf(wire, wire.length, true);
    for (let cut = 0; cut <= wire.length; cut++) {
      assert.equal(framingOf(wire, cut, false), whole, `${JSON.stringify(text)} cut at ${cut}`);
    }
  }
});

test('hop-by-hop fields, and the fields Connection names, are left out of the headers; Keep-Alive is kept as the hint', () => {
  const r = parse(
    'HTTP/1.1 200 OK\r\nContent-Type: a/b\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\n' +
      'X-Hop: 1\r\nProxy-Connection: x\r\nUpgrade: h2c\r\nX-End: 2\r\nContent-Length: 2\r\n\r\nok',
  );
  const head = r.heads[0]!;
  assert.deepEqual(head.headers, { 'content-type': 'a/b', 'x-end': '2', 'content-length': '2' });
  assert.equal(head.keepAliveMs, 5000);
  assert.equal(head.keepAlive, true);
  assert.equal(r.body, 'ok');
});

test('fields: the lines writing the headers out would give, hop-by-hop ones left out, in order', () => {
  const heads = [
    'HTTP/1.1 200 OK\r\ncontent-type: a/b\r\ncontent-length: 2\r\n\r\nok',
    'HTTP/1.1 200 OK\r\nConnection: keep-alive\r\ncontent-type: a/b\r\nDate: x\r\nKeep-Alive: timeout=5\r\ncontent-length: 2\r\n\r\nok',
    'HTTP/1.1 200 OK\r\ncontent-type:a/b\r\nx-pad: v  \r\nX-Odd:\t v\r\nx-empty:\r\ncontent-length: 2\r\nConnection: keep-alive\r\n\r\nok',
    'HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\nUpgrade: x\r\n\r\n',
    'HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n',
  ];
  for (const wire of heads) {
    const head = parse(wire).heads[0]!;
    const written = appendHeaderLines('', head.headers, () => false);
    assert.equal(head.fields, written, JSON.stringify(wire));
  }
  assert.equal(parse(heads[1]!).heads[0]!.fields, 'content-type: a/b\r\ndate: x\r\ncontent-length: 2\r\n');
});

test('fields: repeated lines stay separate lines; none when Connection names a field or headers are not kept', () => {
  const cookies = parse('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\ncontent-length: 0\r\n\r\n');
  assert.equal(cookies.heads[0]!.fields, 'set-cookie: a=1\r\nset-cookie: b=2\r\ncontent-length: 0\r\n');
  const named = parse('HTTP/1.1 200 OK\r\nConnection: x-hop\r\nx-hop: 1\r\ncontent-length: 0\r\n\r\n');
  assert.equal(named.heads[0]!.fields, undefined);
  assert.deepEqual(named.heads[0]!.headers, { 'content-length': '0' });
  const heads: ResponseHead[] = [];
  new ResponseParser({ onHead: (h) => heads.push(h), onData: () => {}, onEnd: () => {} }, false, false).feed(
    Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'),
  );
  assert.equal(heads[0]!.fields, undefined);
});

/** Feeds `wire` in two reads through one reused buffer, as the pool does: stale junk after each read's length. */
function parseShared(wire: Buffer, cut: number): Parsed {
  const junk = Buffer.from('\r\n\r\nHTTP/1.1 500 Junk\r\ncontent-length: 0\r\n\r\n'.repeat(8));
  const shared = Buffer.alloc(wire.length + junk.length);
  const out: Parsed = { heads: [], body: '', ended: 0, extra: 0, parser: undefined as never };
  const p = new ResponseParser(
    {
      onHead: (h) => out.heads.push(h),
      onData: (c) => {
        out.body += c.toString('latin1');
      },
      onEnd: () => {
        out.ended++;
      },
    },
    false,
  );
  for (const part of [wire.subarray(0, cut), wire.subarray(cut)]) {
    shared.fill(0);
    part.copy(shared);
    junk.copy(shared, part.length);
    out.extra = p.feed(shared, part.length);
    // The next read overwrites what this one left: nothing kept may point into it.
    shared.fill(0x41);
  }
  return out;
}

test('fed from one reused read buffer, split anywhere, with stale bytes after each read: the same as fed whole', () => {
  const wires = [
    'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 7\r\nx-a:  1 \r\n\r\n{"a":1}',
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: keep-alive\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
  ];
  for (const text of wires) {
    const wire = Buffer.from(text, 'latin1');
    const whole = parse([wire]);
    assert.equal(whole.ended, 1, text);
    for (let cut = 0; cut <= wire.length; cut++) {
      const r = parseShared(wire, cut);
      const what = `${JSON.stringify(text)} cut at ${cut}`;
      assert.equal(r.heads.length, 1, what);
      assert.equal(r.heads[0]!.status, whole.heads[0]!.status, what);
      assert.deepEqual(r.heads[0]!.headers, whole.heads[0]!.headers, what);
      assert.equal(r.heads[0]!.fields, whole.heads[0]!.fields, what);
      assert.equal(r.body, whole.body, what);
      assert.equal(r.ended, 1, what);
      assert.equal(r.extra, 0, what);
    }
  }
});
