/**
 * gRPC through the gateway: grpc-js client → gateway (h2c prior knowledge) →
 * grpc-js server, with unary and streaming calls, status and trailers passed
 * through, and gRPC-shaped local replies (no route → 12, no upstream → 14).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { deadPort, mapping, type RunningGateway, startGateway } from './gateway-helpers.js';

const PROTO = `
syntax = "proto3";
package sdeptest;
service Echo {
  rpc Say (Msg) returns (Msg);
  rpc Fail (Msg) returns (Msg);
  rpc Count (Msg) returns (stream Msg);
}
message Msg { string text = 1; }
`;

interface Msg {
  text: string;
}

type EchoClient = grpc.Client & {
  Say(
    req: Msg,
    md: grpc.Metadata,
    cb: (err: grpc.ServiceError | null, res?: Msg) => void,
  ): grpc.ClientUnaryCall;
  Fail(req: Msg, cb: (err: grpc.ServiceError | null, res?: Msg) => void): grpc.ClientUnaryCall;
  Count(req: Msg): grpc.ClientReadableStream<Msg>;
};

let dir: string;
let server: grpc.Server;
let gw: RunningGateway;
let EchoCtor: grpc.ServiceClientConstructor;
let seenMetadata: grpc.Metadata | undefined;
const clients: grpc.Client[] = [];
let shadowServer: grpc.Server;
/** What the shadow server saw, and whether it has answered yet (it takes 1.5 s). */
const shadowSeen: { text: string; requestId: string; answered: boolean }[] = [];
const shadowOutcomes: string[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sdep-grpc-'));
  const protoPath = join(dir, 'echo.proto');
  writeFileSync(protoPath, PROTO);
  const def = protoLoader.loadSync(protoPath, { keepCase: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    sdeptest: { Echo: grpc.ServiceClientConstructor };
  };
  EchoCtor = pkg.sdeptest.Echo;
  server = new grpc.Server();
  server.addService(EchoCtor.service, {
    Say(call: grpc.ServerUnaryCall<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) {
      seenMetadata = call.metadata;
      cb(null, { text: `echo: ${call.request.text}` });
    },
    Fail(_call: grpc.ServerUnaryCall<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) {
      const trailer = new grpc.Metadata();
      trailer.set('x-trailer', 'yes');
      cb({ code: grpc.status.NOT_FOUND, details: 'no such model', metadata: trailer });
    },
    Count(call: grpc.ServerWritableStream<Msg, Msg>) {
      for (let i = 1; i <= 3; i++) call.write({ text: `${call.request.text}-${i}` });
      call.end();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  shadowServer = new grpc.Server();
  shadowServer.addService(EchoCtor.service, {
    Say(call: grpc.ServerUnaryCall<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) {
      const seen = {
        text: call.request.text,
        requestId: String(call.metadata.get('x-request-id')[0] ?? ''),
        answered: false,
      };
      shadowSeen.push(seen);
      setTimeout(() => {
        seen.answered = true;
        cb(null, { text: `shadow: ${call.request.text}` });
      }, 1500);
    },
  });
  const shadowPort = await new Promise<number>((resolve, reject) =>
    shadowServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  const dead = await deadPort();
  gw = await startGateway(
    [
      mapping('grpc', '/sdeptest.Echo/', `127.0.0.1:${port}`, { grpc: true, rewrite: '/sdeptest.Echo/' }),
      mapping('grpc-dead', '/sdeptest.Dead/', `127.0.0.1:${dead}`, {
        grpc: true,
        rewrite: '/sdeptest.Echo/',
      }),
      mapping('grpc-main', '/sdeptest.Mirror/', `127.0.0.1:${port}`, {
        grpc: true,
        rewrite: '/sdeptest.Echo/',
      }),
      mapping('grpc-shadow', '/sdeptest.Mirror/', `127.0.0.1:${shadowPort}`, {
        grpc: true,
        rewrite: '/sdeptest.Echo/',
        shadow: true,
        timeout_ms: 10_000,
      }),
    ],
    { metrics: { observeRequest() {}, observeShadow: (_c, outcome) => shadowOutcomes.push(outcome) } },
  );
});

after(async () => {
  for (const c of clients) c.close();
  await gw.close();
  server.forceShutdown();
  shadowServer.forceShutdown();
  rmSync(dir, { recursive: true, force: true });
});

function client(): EchoClient {
  const c = new EchoCtor(`127.0.0.1:${gw.port}`, grpc.credentials.createInsecure()) as unknown as EchoClient;
  clients.push(c);
  return c;
}

function unary(c: EchoClient, text: string, md = new grpc.Metadata()): Promise<Msg> {
  return new Promise((resolve, reject) =>
    c.Say({ text }, md, (err, res) => (err ? reject(err) : resolve(res!))),
  );
}

test('unary gRPC call through the gateway over h2c', async () => {
  const md = new grpc.Metadata();
  md.set('x-request-id', 'grpc-req-1');
  const res = await unary(client(), 'hello', md);
  assert.equal(res.text, 'echo: hello');
  assert.deepEqual(seenMetadata?.get('x-request-id'), ['grpc-req-1']);
  assert.deepEqual(seenMetadata?.get('x-forwarded-proto'), ['http']);
});

test('a gRPC error status, message and trailing metadata pass through', async () => {
  const c = client();
  const err = await new Promise<grpc.ServiceError>((resolve, reject) =>
    c.Fail({ text: 'x' }, (e) => (e ? resolve(e) : reject(new Error('expected an error')))),
  );
  assert.equal(err.code, grpc.status.NOT_FOUND);
  assert.equal(err.details, 'no such model');
  assert.deepEqual(err.metadata.get('x-trailer'), ['yes']);
});

test('server streaming: every message then OK', async () => {
  const got: string[] = [];
  const stream = client().Count({ text: 'n' });
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (m: Msg) => got.push(m.text));
    stream.on('error', reject);
    stream.on('end', resolve);
  });
  assert.deepEqual(got, ['n-1', 'n-2', 'n-3']);
});

test('no route for a gRPC call: UNIMPLEMENTED (12)', async () => {
  const Other = grpc.makeGenericClientConstructor(
    {
      Say: {
        path: '/sdeptest.Nowhere/Say',
        requestStream: false,
        responseStream: false,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Buffer) => b,
        responseDeserialize: (b: Buffer) => b,
      },
    },
    'Nowhere',
  );
  const c = new Other(`127.0.0.1:${gw.port}`, grpc.credentials.createInsecure()) as unknown as {
    Say(req: Buffer, cb: (err: grpc.ServiceError | null) => void): void;
  } & grpc.Client;
  clients.push(c);
  const err = await new Promise<grpc.ServiceError | null>((resolve) => c.Say(Buffer.alloc(0), resolve));
  assert.equal(err?.code, grpc.status.UNIMPLEMENTED);
});

test('gRPC upstream that refuses connections: UNAVAILABLE (14)', async () => {
  const c = new EchoCtor(`127.0.0.1:${gw.port}`, grpc.credentials.createInsecure(), {
    'grpc.default_authority': 'x',
  }) as unknown as EchoClient;
  clients.push(c);
  // Same service definition, routed by the Dead prefix: call the method by its full path.
  const err = await new Promise<grpc.ServiceError | null>((resolve) =>
    c.makeUnaryRequest(
      '/sdeptest.Dead/Say',
      (m: Msg) => Buffer.from(JSON.stringify(m)),
      (b: Buffer) => JSON.parse(b.toString()) as Msg,
      { text: 'x' },
      (e) => resolve(e),
    ),
  );
  assert.equal(err?.code, grpc.status.UNAVAILABLE);
  assert.match(err?.details ?? '', /upstream connect error/);
});

test('gRPC shadow: the mirror gets a copy, a slow mirror does not hold the client, its answer is dropped', async () => {
  const c = client();
  const say = c as unknown as grpc.Client;
  const def = EchoCtor.service.Say!;
  const md = new grpc.Metadata();
  md.set('x-request-id', 'grpc-shadow-1');
  const res = await new Promise<Msg>((resolve, reject) =>
    say.makeUnaryRequest(
      '/sdeptest.Mirror/Say',
      def.requestSerialize,
      def.responseDeserialize as (b: Buffer) => Msg,
      { text: 'copy me' },
      md,
      (e, r) => (e ? reject(e) : resolve(r!)),
    ),
  );
  assert.equal(res.text, 'echo: copy me', "the client gets main's answer");
  const deadline = Date.now() + 5000;
  while (shadowSeen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(
    shadowSeen.map((x) => [x.text, x.requestId]),
    [['copy me', 'grpc-shadow-1']],
  );
  assert.equal(shadowSeen[0]?.answered, false, 'the client had its answer before the shadow answered');
  while (shadowOutcomes.length === 0 && Date.now() < deadline + 5000)
    await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(shadowOutcomes, ['ok']);
});
