import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import http2 from 'node:http2';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { GrpcCode } from '../protocol/grpc-codes.js';
import {
  encodeGrpcMessage,
  parseGrpcTimeout,
  startUnaryServer,
  type UnaryMethod,
  type UnaryServer,
} from './unary-server.js';

// Echo: the request's UTF-8 text upper-cased; "slow:<ms>" answers after ms; "fail" rejects.
const echo: UnaryMethod<string, string> = {
  decode: (b) => {
    if (b[0] === 0xff) throw new Error('not text');
    return b.toString('utf8');
  },
  async handle(req, headers) {
    if (req === 'fail') throw new Error('bad thing: 100% ünicode');
    const slow = /^slow:(\d+)$/.exec(req);
    if (slow) await new Promise((r) => setTimeout(r, Number(slow[1])));
    return `${req.toUpperCase()}${headers['x-tag'] ? `/${headers['x-tag']}` : ''}`;
  },
  encode: (s) => Buffer.from(s, 'utf8'),
};

let server: UnaryServer;
let grpc: Client;
const calls = { failures: 0 };

before(async () => {
  server = await startUnaryServer({
    host: '127.0.0.1',
    port: 0,
    methods: new Map([['/test.Echo/Say', echo as UnaryMethod]]),
    maxReceiveBytes: 1000,
    failure: (err) => {
      calls.failures++;
      return { code: GrpcCode.INVALID_ARGUMENT, details: (err as Error).message };
    },
  });
  grpc = new Client(`127.0.0.1:${server.port}`, credentials.createInsecure());
});

after(async () => {
  grpc.close();
  await server.close(1000);
});

function say(
  text: string | Buffer,
  opts: { path?: string; md?: Record<string, string>; deadlineMs?: number; client?: Client } = {},
): Promise<string> {
  const md = new Metadata();
  for (const [k, v] of Object.entries(opts.md ?? {})) md.set(k, v);
  return new Promise((resolve, reject) => {
    (opts.client ?? grpc).makeUnaryRequest(
      opts.path ?? '/test.Echo/Say',
      (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s) : s),
      (b: Buffer) => b.toString('utf8'),
      text,
      md,
      opts.deadlineMs ? { deadline: Date.now() + opts.deadlineMs } : {},
      (err: ServiceError | null, res?: string) => (err ? reject(err) : resolve(res!)),
    );
  });
}

function rejectsWith(p: Promise<unknown>, code: number, details: RegExp): Promise<void> {
  return assert.rejects(p, (e: ServiceError) => {
    assert.equal(e.code, code, e.details);
    assert.match(e.details, details);
    return true;
  });
}

interface RawReply {
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  body: Buffer;
}

/** One call on a plain node:http2 client: what is on the wire, trailers apart. */
function raw(headers: http2.OutgoingHttpHeaders, body: Buffer): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${server.port}`);
    session.on('error', reject);
    const req = session.request({ ':method': 'POST', ':path': '/test.Echo/Say', ...headers });
    const out: RawReply = { headers: {}, trailers: {}, body: Buffer.alloc(0) };
    const chunks: Buffer[] = [];
    req.on('response', (h) => {
      out.headers = h;
    });
    req.on('trailers', (t) => {
      out.trailers = t;
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      out.body = Buffer.concat(chunks);
      session.close();
      resolve(out);
    });
    req.on('error', reject);
    // node ends a GET's request side itself
    if (body.length > 0) req.end(body);
    else if (!req.writableEnded) req.end();
  });
}

function frame(payload: Buffer, compressed = false): Buffer {
  const f = Buffer.alloc(5 + payload.length);
  f[0] = compressed ? 1 : 0;
  f.writeUInt32BE(payload.length, 1);
  payload.copy(f, 5);
  return f;
}

const GRPC = { 'content-type': 'application/grpc', te: 'trailers' };

test('grpc-js client: a unary call gets the answer, with request metadata seen by the handler', async () => {
  assert.equal(await say('hello'), 'HELLO');
  assert.equal(await say('x', { md: { 'x-tag': 'seen' } }), 'X/seen');
});

test('on the wire: one length-prefixed message, then grpc-status 0 in trailers', async () => {
  const r = await raw(GRPC, frame(Buffer.from('abc')));
  assert.equal(r.headers[':status'], 200);
  assert.equal(r.headers['content-type'], 'application/grpc+proto');
  assert.equal(r.headers['grpc-status'], undefined);
  assert.deepEqual(r.body, frame(Buffer.from('ABC')));
  assert.equal(r.trailers['grpc-status'], '0');
});

test('a handler rejection is a trailers-only reply with the mapped code and a percent-encoded message', async () => {
  const before = calls.failures;
  const r = await raw(GRPC, frame(Buffer.from('fail')));
  assert.equal(r.headers[':status'], 200);
  assert.equal(r.headers['grpc-status'], String(GrpcCode.INVALID_ARGUMENT));
  assert.equal(r.headers['grpc-message'], 'bad thing: 100%25 %C3%BCnicode');
  assert.equal(r.body.length, 0);
  assert.equal(calls.failures, before + 1);
  // and grpc-js decodes it back
  await rejectsWith(say('fail'), GrpcCode.INVALID_ARGUMENT, /^bad thing: 100% ünicode$/);
});

test('unknown method is UNIMPLEMENTED naming it', async () => {
  await rejectsWith(say('x', { path: '/test.Echo/Shout' }), GrpcCode.UNIMPLEMENTED, /\/test\.Echo\/Shout/);
});

test('a message over the limit is RESOURCE_EXHAUSTED; one at the limit is answered', async () => {
  await rejectsWith(say('y'.repeat(1001)), GrpcCode.RESOURCE_EXHAUSTED, /larger than max \(1001 vs\. 1000\)/);
  assert.equal((await say('y'.repeat(1000))).length, 1000);
});

test('the client deadline passing first is DEADLINE_EXCEEDED, and the server stays healthy', async () => {
  await rejectsWith(say('slow:300', { deadlineMs: 50 }), GrpcCode.DEADLINE_EXCEEDED, /[Dd]eadline/);
  // the server's own timer, without the client cancelling first
  const r = await raw({ ...GRPC, 'grpc-timeout': '30m' }, frame(Buffer.from('slow:300')));
  assert.equal(r.headers['grpc-status'], String(GrpcCode.DEADLINE_EXCEEDED));
  assert.equal(await say('after'), 'AFTER');
});

test('a malformed grpc-timeout is INTERNAL', async () => {
  const r = await raw({ ...GRPC, 'grpc-timeout': 'soon' }, frame(Buffer.from('a')));
  assert.equal(r.headers['grpc-status'], String(GrpcCode.INTERNAL));
  assert.match(decodeURIComponent(String(r.headers['grpc-message'])), /grpc-timeout value "soon"/);
});

test('gzip-compressed requests are inflated (grpc-js client and by hand); unknown encodings are UNIMPLEMENTED', async () => {
  const gz = new Client(`127.0.0.1:${server.port}`, credentials.createInsecure(), {
    'grpc.default_compression_algorithm': 2,
  });
  try {
    assert.equal(await say('squeeze me', { client: gz }), 'SQUEEZE ME');
  } finally {
    gz.close();
  }
  const r = await raw({ ...GRPC, 'grpc-encoding': 'gzip' }, frame(gzipSync(Buffer.from('zip')), true));
  assert.deepEqual(r.body, frame(Buffer.from('ZIP')));
  const bomb = await raw(
    { ...GRPC, 'grpc-encoding': 'gzip' },
    frame(gzipSync(Buffer.alloc(5000, 0x61)), true),
  );
  assert.equal(bomb.headers['grpc-status'], String(GrpcCode.RESOURCE_EXHAUSTED));
  const snappy = await raw({ ...GRPC, 'grpc-encoding': 'snappy' }, frame(Buffer.from('x'), true));
  assert.equal(snappy.headers['grpc-status'], String(GrpcCode.UNIMPLEMENTED));
  assert.equal(snappy.headers['grpc-accept-encoding'], 'identity,deflate,gzip');
});

test('framing faults: no message, two messages, a truncated one, undecodable bytes', async () => {
  const none = await raw(GRPC, Buffer.alloc(0));
  assert.equal(none.headers['grpc-status'], String(GrpcCode.UNIMPLEMENTED));
  const two = await raw(GRPC, Buffer.concat([frame(Buffer.from('a')), frame(Buffer.from('b'))]));
  assert.equal(two.headers['grpc-status'], String(GrpcCode.UNIMPLEMENTED));
  assert.match(decodeURIComponent(String(two.headers['grpc-message'])), /second request message/);
  const cut = await raw(GRPC, frame(Buffer.from('abcdef')).subarray(0, 8));
  assert.equal(cut.headers['grpc-status'], String(GrpcCode.INTERNAL));
  const junk = await raw(GRPC, frame(Buffer.from([0xff, 0x00])));
  assert.equal(junk.headers['grpc-status'], String(GrpcCode.INTERNAL));
  assert.match(decodeURIComponent(String(junk.headers['grpc-message'])), /deserializing request: not text/);
});

test('not gRPC: another content-type is HTTP 415, another method 405', async () => {
  const json = await raw({ 'content-type': 'application/json' }, Buffer.from('{}'));
  assert.equal(json.headers[':status'], 415);
  const get = await raw({ ...GRPC, ':method': 'GET' }, Buffer.alloc(0));
  assert.equal(get.headers[':status'], 405);
});

test('grpc-timeout parsing follows the spec units', () => {
  assert.equal(parseGrpcTimeout(undefined), undefined);
  assert.equal(parseGrpcTimeout('2S'), 2000);
  assert.equal(parseGrpcTimeout('1M'), 60_000);
  assert.equal(parseGrpcTimeout('1H'), 3_600_000);
  assert.equal(parseGrpcTimeout('250m'), 250);
  assert.equal(parseGrpcTimeout('1500u'), 1.5);
  assert.ok(Number.isNaN(parseGrpcTimeout('123456789S')));
  assert.ok(Number.isNaN(parseGrpcTimeout('5s')));
  assert.equal(encodeGrpcMessage('plain ascii ~'), 'plain ascii ~');
  assert.equal(encodeGrpcMessage('a\nb'), 'a%0Ab');
});

test('close lets a call in flight finish, then refuses new connections', async () => {
  const s = await startUnaryServer({
    host: '127.0.0.1',
    port: 0,
    methods: new Map([['/test.Echo/Say', echo as UnaryMethod]]),
    maxReceiveBytes: 1000,
    failure: () => ({ code: GrpcCode.INTERNAL, details: 'x' }),
  });
  const c = new Client(`127.0.0.1:${s.port}`, credentials.createInsecure());
  try {
    assert.equal(await say('warm', { client: c }), 'WARM');
    const inFlight = say('slow:200', { client: c });
    await new Promise((r) => setTimeout(r, 50));
    const closing = s.close(5000);
    assert.equal(await inFlight, 'SLOW:200');
    await closing;
    const late = new Client(`127.0.0.1:${s.port}`, credentials.createInsecure());
    await rejectsWith(say('late', { client: late, deadlineMs: 1000 }), GrpcCode.UNAVAILABLE, /./);
    late.close();
  } finally {
    c.close();
  }
});
