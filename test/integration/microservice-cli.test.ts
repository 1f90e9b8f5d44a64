/**
 * `sdep microservice` as a user runs it: a temp .mjs model in its own
 * process, reached over REST and gRPC on the ports its listening line names.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { loadSeldonProto } from '../../src/protocol/load-seldon-proto.js';
import {
  fromProtoMessage,
  type ProtoSeldonMessage,
  toProtoMessage,
} from '../../src/protocol/proto-convert.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const START_TIMEOUT_MS = 60_000; // tsx compiles the CLI on first start; a busy 2-core machine is slow

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sdep-microservice-'));
  writeFileSync(
    join(dir, 'model.mjs'),
    `export default class Scaler {
       constructor(params) { this.factor = params.factor ?? 2; }
       predict(X) { return X.map((row) => row.map((v) => v * this.factor)); }
       tags() { return { scaled: this.factor }; }
     }`,
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  listening: { event: string; http: number; grpc: number | null };
  stderr: () => string;
}

function start(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'microservice', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no listening line in time; stderr: ${err}`));
    }, START_TIMEOUT_MS);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolve({ child, listening: JSON.parse(out.slice(0, nl)), stderr: () => err });
      } catch (e) {
        reject(e);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`exited with ${code}: ${err}`), { stderr: err, code }));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

test('sdep microservice serves a .mjs model over REST and gRPC, parameters from the Seldon env', {
  timeout: 120_000,
}, async () => {
  const s = await start(['--module', join(dir, 'model.mjs'), '--http-port', '0', '--grpc-port', '0'], {
    PREDICTIVE_UNIT_PARAMETERS: '[{"name":"factor","value":"3","type":"INT"}]',
    PREDICTIVE_UNIT_ID: 'scaler',
    PREDICTIVE_UNIT_IMAGE: 'me/scaler:0.3',
  });
  try {
    assert.equal(s.listening.event, 'listening');
    assert.ok(s.listening.http > 0 && (s.listening.grpc ?? 0) > 0, JSON.stringify(s.listening));
    const res = await fetch(`http://127.0.0.1:${s.listening.http}/predict`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { names: ['a', 'b'], tensor: { shape: [1, 2], values: [1, 2] } } }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      data: { names: ['t:0', 't:1'], tensor: { shape: [1, 2], values: [3, 6] } },
      meta: { tags: { scaled: 3 }, requestPath: { scaler: 'me/scaler:0.3' } },
    });
    const ping = await fetch(`http://127.0.0.1:${s.listening.http}/health/ping`);
    assert.equal(await ping.text(), 'pong');

    const { services } = loadSeldonProto();
    const client = new services.Model(`127.0.0.1:${s.listening.grpc}`, credentials.createInsecure());
    try {
      const out = await new Promise<ProtoSeldonMessage>((resolve, reject) => {
        (
          client as unknown as Record<
            string,
            (r: unknown, cb: (e: ServiceError | null, r?: ProtoSeldonMessage) => void) => void
          >
        ).Predict!.call(client, toProtoMessage({ data: { ndarray: [[2]] } }), (e, r) =>
          e ? reject(e) : resolve(r!),
        );
      });
      assert.deepEqual(fromProtoMessage(out).data, { names: ['t:0'], ndarray: [[6]] });
    } finally {
      client.close();
    }
  } finally {
    await stop(s.child);
  }
});

test('sdep microservice fails clearly on a module with no usable export', { timeout: 120_000 }, async () => {
  writeFileSync(join(dir, 'two.mjs'), 'export const a = {}; export const b = {};');
  await assert.rejects(
    start(['--module', join(dir, 'two.mjs'), '--http-port', '0', '--grpc-port', '0']),
    (e: Error & { code?: number; stderr?: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stderr ?? '', /pick one with --export \(a, b\)/);
      return true;
    },
  );
});
