/** A real `sdep unit` for the seed's mock classifier deployment (examples/mymodel.yaml). */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSeldonProto } from '../../src/protocol/load-seldon-proto.js';
import {
  fromProtoMessage,
  type ProtoSeldonMessage,
  toProtoMessage,
} from '../../src/protocol/proto-convert.js';
import type { SeldonMessage } from '../../src/protocol/seldon-message.js';
import { type ReadResult, readUntil } from '../fixtures/read-until.js';
import { postJson, startUnitProcess, type UnitProcess } from './unit-harness.js';

const SEED_BODY = { data: { names: ['a', 'b'], tensor: { shape: [2, 2], values: [0, 0, 1, 1] } } };
const SEED_VALUES = [0.05133579311531625, 0.12823373759251927];
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let unit: UnitProcess;

before(async () => {
  unit = await startUnitProcess([
    '--deployment',
    'examples/mymodel.yaml',
    '--predictor',
    'default',
    '--port',
    '0',
    '--grpc-port',
    '0',
    '--max-body-bytes',
    '4096',
  ]);
});

after(async () => {
  const code = await unit?.stop();
  assert.equal(code, 0, `SIGTERM closes the unit gracefully (exit 0); stderr:\n${unit?.stderr()}`);
});

const predictions = () => `${unit.base}/api/v1.0/predictions`;

test('listening line gives both ports', () => {
  assert.ok(unit.http > 0);
  assert.ok(unit.grpc > 0);
  assert.notEqual(unit.http, unit.grpc);
});

test("the seed's request gives the mock classifier's exact answer, tensor in → tensor out", async () => {
  const r = await postJson(predictions(), SEED_BODY);
  assert.equal(r.status, 200);
  const data = r.json.data as { names: string[]; tensor: { shape: number[]; values: number[] } };
  assert.deepEqual(data.names, ['proba']);
  assert.deepEqual(data.tensor, { shape: [2, 1], values: SEED_VALUES });
  const meta = r.json.meta as { puid: string; requestPath: Record<string, string> };
  assert.match(meta.puid, UUID_V4);
  assert.equal(r.headers.get('seldon-puid'), meta.puid);
  assert.deepEqual(meta.requestPath, { classifier: 'seldonio/mock_classifier:1.18.2' });
});

test('ndarray in → ndarray out; puid and tags from the request are echoed', async () => {
  const r = await postJson(
    predictions(),
    {
      meta: { tags: { team: 'x' } },
      data: {
        ndarray: [
          [0, 0],
          [1, 1],
        ],
      },
    },
    { 'seldon-puid': 'my-puid-1' },
  );
  assert.equal(r.status, 200);
  assert.deepEqual((r.json.data as { ndarray: unknown }).ndarray, [[SEED_VALUES[0]], [SEED_VALUES[1]]]);
  const meta = r.json.meta as { puid: string; tags: Record<string, unknown> };
  assert.equal(meta.puid, 'my-puid-1');
  assert.equal(r.headers.get('seldon-puid'), 'my-puid-1');
  assert.deepEqual(meta.tags, { team: 'x' });
});

test('a form body with json= is accepted as Seldon does', async () => {
  const res = await fetch(predictions(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `json=${encodeURIComponent(JSON.stringify(SEED_BODY))}`,
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { data: { tensor: { values: number[] } } };
  assert.deepEqual(body.data.tensor.values, SEED_VALUES);
});

function assertSeldonError(json: Record<string, unknown>, code: number, reason: string, info?: RegExp): void {
  const s = json.status as { code: number; info: string; reason: string; status: string };
  assert.equal(s.code, code);
  assert.equal(s.reason, reason);
  assert.equal(s.status, 'FAILURE');
  if (info) assert.match(s.info, info);
}

test('bad input gets a Seldon error and the unit keeps serving', async () => {
  const malformed = await postJson(predictions(), '{"data": ');
  assert.equal(malformed.status, 400);
  assertSeldonError(malformed.json, 400, 'SDEP_BAD_JSON');

  const mismatch = await postJson(predictions(), { data: { tensor: { shape: [2, 3], values: [1, 2] } } });
  assert.equal(mismatch.status, 400);
  assertSeldonError(mismatch.json, 400, 'SDEP_BAD_SELDON_MESSAGE', /data\.tensor\.values/);

  const oneD = await postJson(predictions(), { data: { ndarray: [1, 2] } });
  assert.equal(oneD.status, 400);
  assertSeldonError(oneD.json, 400, 'SDEP_BAD_PAYLOAD', /classifier.*shape \[2\]/);

  const wrongType = await postJson(predictions(), 'hello', { 'content-type': 'text/plain' });
  assert.equal(wrongType.status, 415);
  assertSeldonError(wrongType.json, 415, 'SDEP_UNSUPPORTED_MEDIA_TYPE');

  const big = await postJson(predictions(), { data: { ndarray: [Array.from({ length: 3000 }, () => 1)] } });
  assert.equal(big.status, 413);
  assertSeldonError(big.json, 413, 'SDEP_UNIT_BODY_TOO_LARGE', /4096 bytes/);

  const notFound = await fetch(`${unit.base}/api/v1.0/nothing`);
  assert.equal(notFound.status, 404);
  assertSeldonError((await notFound.json()) as Record<string, unknown>, 404, 'SDEP_UNIT_NOT_FOUND');

  const wrongMethod = await fetch(predictions());
  assert.equal(wrongMethod.status, 405);
  await wrongMethod.arrayBuffer();

  const after = await postJson(predictions(), SEED_BODY);
  assert.equal(after.status, 200, 'still serving after bad requests');
});

test('health endpoints and metadata', async () => {
  for (const path of ['/ready', '/live', '/health/status', '/health/ping']) {
    const r = await fetch(`${unit.base}${path}`);
    assert.equal(r.status, 200, path);
    await r.arrayBuffer();
  }
  const md = (await (await fetch(`${unit.base}/api/v1.0/metadata`)).json()) as {
    name: string;
    models: Record<string, unknown>;
  };
  assert.equal(md.name, 'mymodel');
  assert.ok(md.models.classifier);
});

test('/metrics counts requests per endpoint and status', async () => {
  await postJson(predictions(), SEED_BODY);
  const text = await (await fetch(`${unit.base}/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('seldon_api_executor_server_requests_seconds_count{') &&
        l.includes('service="predictions"') &&
        l.includes('code="200"'),
    );
  assert.ok(line, 'a count line for predictions/200');
  assert.ok(Number(line.split(' ').pop()) >= 1);
  assert.match(text, /service="predictions",method="POST",code="400"/);
});

test('feedback to a graph of one model answers 200 with the puid', async () => {
  const pred = await postJson(predictions(), SEED_BODY);
  const fb = await postJson(`${unit.base}/api/v1.0/feedback`, {
    request: SEED_BODY,
    response: pred.json,
    reward: 1,
  });
  assert.equal(fb.status, 200);
  assert.equal((fb.json.meta as { puid: string }).puid, (pred.json.meta as { puid: string }).puid);
  const bad = await postJson(`${unit.base}/api/v1.0/feedback`, { reward: 'lots' });
  assert.equal(bad.status, 400);
});

function grpcPredict(msg: SeldonMessage, puid?: string): Promise<SeldonMessage> {
  const Seldon = loadSeldonProto().services.Seldon;
  const client = new Seldon(`127.0.0.1:${unit.grpc}`, credentials.createInsecure());
  const md = new Metadata();
  if (puid) md.set('seldon-puid', puid);
  return new Promise<SeldonMessage>((resolve, reject) => {
    const predict = client.Predict as (
      req: ProtoSeldonMessage,
      md: Metadata,
      cb: (err: ServiceError | null, res: ProtoSeldonMessage) => void,
    ) => void;
    predict.call(client, toProtoMessage(msg), md, (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(fromProtoMessage(res));
    });
  });
}

test('gRPC seldon.protos.Seldon/Predict gives the same answer as REST', async () => {
  const out = await grpcPredict(SEED_BODY, 'grpc-puid');
  assert.deepEqual(out.data?.names, ['proba']);
  assert.deepEqual(out.data?.tensor?.shape, [2, 1]);
  assert.deepEqual(out.data?.tensor?.values, SEED_VALUES);
  assert.equal(out.meta?.puid, 'grpc-puid');
  assert.deepEqual(out.meta?.requestPath, { classifier: 'seldonio/mock_classifier:1.18.2' });
});

test('gRPC bad input is INVALID_ARGUMENT with the Seldon reason', async () => {
  await assert.rejects(grpcPredict({ data: { ndarray: [1, 2] } }), (e: ServiceError) => {
    assert.equal(e.code, 3);
    assert.match(e.details, /SDEP_BAD_PAYLOAD/);
    return true;
  });
});

test('V2 infer on the graph root name (and the deployment name); unknown model is a V2 404', async () => {
  const body = {
    id: 'req-1',
    inputs: [{ name: 'input-0', shape: [2, 2], datatype: 'FP64', data: [0, 0, 1, 1] }],
  };
  for (const model of ['classifier', 'mymodel']) {
    const r = await postJson(`${unit.base}/v2/models/${model}/infer`, body);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.model_name, model);
    assert.equal(r.json.id, 'req-1');
    const outputs = r.json.outputs as { name: string; shape: number[]; data: number[] }[];
    assert.deepEqual(outputs[0]!.shape, [2, 1]);
    assert.deepEqual(outputs[0]!.data, SEED_VALUES);
    assert.equal(outputs[0]!.name, 'proba');
  }
  const unknown = await postJson(`${unit.base}/v2/models/nope/infer`, body);
  assert.equal(unknown.status, 404);
  assert.match(String(unknown.json.error), /nope/);
  const bad = await postJson(`${unit.base}/v2/models/classifier/infer`, { inputs: [] });
  assert.equal(bad.status, 400);
  assert.equal(typeof bad.json.error, 'string');
  const md = await fetch(`${unit.base}/v2/models/classifier`);
  assert.equal(md.status, 200);
  assert.equal(((await md.json()) as { name: string }).name, 'classifier');
  for (const p of ['/v2/health/ready', '/v2/health/live']) {
    const r = await fetch(`${unit.base}${p}`);
    assert.equal(r.status, 200, p);
    await r.arrayBuffer();
  }
});

/** Writes `wire` on one connection; reads until `until` matches or the unit closes it. */
function rawHttp(wire: string, until: (text: string) => boolean): Promise<ReadResult> {
  const sock = net.connect(unit.http, '127.0.0.1', () => sock.write(wire));
  return readUntil(sock, until, 5000);
}

const rawPost = (body: string, extra = '') =>
  `POST /api/v1.0/predictions HTTP/1.1\r\nHost: u\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

test('REST on one connection: pipelined predictions answered in order, a chunked one (read by node) too', async () => {
  const a = JSON.stringify({ data: { ndarray: [[1, 2]] }, meta: { puid: 'first' } });
  const b = JSON.stringify({ data: { ndarray: [[3, 4]] }, meta: { puid: 'second' } });
  const c = JSON.stringify({ data: { ndarray: [[5, 6]] }, meta: { puid: 'third' } });
  const chunked = `POST /api/v1.0/predictions HTTP/1.1\r\nHost: u\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${c.length.toString(16)}\r\n${c}\r\n0\r\n\r\n`;
  const r = await rawHttp(rawPost(a) + rawPost(b) + chunked, (t) => t.includes('"third"'));
  const order = ['"first"', '"second"', '"third"'].map((p) => r.text.indexOf(p));
  assert.ok(order[0]! > 0 && order[0]! < order[1]! && order[1]! < order[2]!, r.text);
  assert.equal(r.text.split('HTTP/1.1 200 OK').length - 1, 3);
});

test('REST: a body over --max-body-bytes gets its 413 with connection: close, and the connection closes', async () => {
  const big = JSON.stringify({ data: { ndarray: [Array.from({ length: 3000 }, () => 1)] } });
  const r = await rawHttp(rawPost(big), () => false);
  assert.match(r.text, /^HTTP\/1\.1 413 /);
  assert.match(r.text, /\r\nconnection: close\r\n/i);
  assert.match(r.text, /SDEP_UNIT_BODY_TOO_LARGE/);
  assert.equal(r.closed, true);
});
