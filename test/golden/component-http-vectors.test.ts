/**
 * Golden tests: every `component-http` vector of
 * spec/vectors/seldon-ambassador-vectors.json (copied to fixtures/) against a
 * real component microservice on 127.0.0.1:0. Where the spec says sdep
 * differs from Seldon, the test asserts sdep's behaviour and says why.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type Component, createComponentServer, MockClassifier } from '../../src/runtime/index.js';

interface Vector {
  name: string;
  input: {
    env?: Record<string, string>;
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: unknown;
    rawBody?: string;
  };
  expected: {
    status: number;
    contentType?: string;
    body?: unknown;
    text?: string;
    metricsIncrement?: Record<string, number>;
  };
}

const vectors = JSON.parse(
  readFileSync(new URL('./fixtures/component-http-vectors.json', import.meta.url), 'utf8'),
) as Vector[];

const DEFAULT_ENV = {
  PREDICTIVE_UNIT_ID: 'classifier',
  PREDICTIVE_UNIT_IMAGE: 'seldonio/mock_classifier:1.18.2',
};

/** The components the vectors were recorded with, by unit id. */
function componentFor(id: string): Component {
  if (id === 'router') return { route: () => 1 };
  if (id === 'combiner') {
    return {
      aggregate: (Xs) => {
        const rows = Xs as number[][][];
        return rows[0]!.map((row, i) =>
          row.map((_, j) => rows.reduce((s, x) => s + x[i]![j]!, 0) / rows.length),
        );
      },
      tags: () => ({ combined: true }),
      metrics: () => [{ key: 'mycounter', type: 'COUNTER', value: 1 }],
    };
  }
  return new MockClassifier();
}

/** Vectors where sdep follows the spec instead of Seldon: the assertion replacing the exact body. */
const DIFFERENCES: Record<string, (status: number, body: unknown) => void> = {
  // Spec: the mock classifier's 1-D input is a 400 naming the shape (Seldon: 500 "Incorrect shape").
  'wrapper-model-exception': (status, body) => {
    assert.equal(status, 400);
    const s = (body as { status: { code: number; info: string; reason: string; status: number } }).status;
    assert.equal(s.code, -1);
    assert.equal(s.reason, 'MICROSERVICE_BAD_DATA');
    assert.equal(s.status, 1);
    assert.match(s.info, /^Incorrect shape \[2\]/);
  },
  // Seldon prints a Python dict repr; sdep shows the JSON and names the missing fields.
  'wrapper-no-payload-key': (status, body) => {
    assert.equal(status, 400);
    const s = (body as { status: { code: number; info: string; reason: string; status: number } }).status;
    assert.deepEqual([s.code, s.reason, s.status], [-1, 'MICROSERVICE_BAD_DATA', 1]);
    assert.match(s.info, /^Invalid request data type: \{"foo":1\}/);
    assert.match(s.info, /data, binData, strData, jsonData/);
  },
};

async function scrape(base: string): Promise<string> {
  return (await fetch(`${base}/metrics`)).text();
}

function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('component-http vectors', () => {
  const servers = new Map<string, { base: string; close: () => Promise<void> }>();

  before(async () => {
    for (const v of vectors) {
      const env = { ...DEFAULT_ENV, ...v.input.env };
      const key = `${env.PREDICTIVE_UNIT_ID}|${env.PREDICTIVE_UNIT_IMAGE}`;
      if (servers.has(key)) continue;
      const s = createComponentServer(componentFor(env.PREDICTIVE_UNIT_ID), {
        unit: { id: env.PREDICTIVE_UNIT_ID, image: env.PREDICTIVE_UNIT_IMAGE },
      });
      const port = await s.listen(0);
      servers.set(key, { base: `http://127.0.0.1:${port}`, close: s.close });
    }
  });
  after(async () => {
    for (const s of servers.values()) await s.close();
  });

  test('the fixture holds all 13 vectors', () => assert.equal(vectors.length, 13));

  for (const v of vectors) {
    test(v.name, async () => {
      const env = { ...DEFAULT_ENV, ...v.input.env };
      const { base } = servers.get(`${env.PREDICTIVE_UNIT_ID}|${env.PREDICTIVE_UNIT_IMAGE}`)!;
      const before = v.expected.metricsIncrement ? await scrape(base) : '';
      const init: RequestInit = { method: v.input.method, headers: v.input.headers ?? {} };
      if (v.input.rawBody !== undefined) init.body = v.input.rawBody;
      else if (v.input.body !== undefined) {
        init.body = JSON.stringify(v.input.body);
        init.headers = { 'Content-Type': 'application/json', ...v.input.headers };
      }
      const res = await fetch(`${base}${v.input.path}`, init);
      const text = await res.text();
      const difference = DIFFERENCES[v.name];
      if (difference) return difference(res.status, JSON.parse(text));
      assert.equal(res.status, v.expected.status);
      if (v.expected.contentType) assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      if (v.expected.text !== undefined) assert.equal(text, v.expected.text);
      if (v.expected.body !== undefined) assert.deepEqual(JSON.parse(text), v.expected.body);
      if (v.expected.metricsIncrement) {
        const afterText = await scrape(base);
        for (const [name, inc] of Object.entries(v.expected.metricsIncrement)) {
          assert.equal(metricValue(afterText, name) - metricValue(before, name), inc, name);
        }
      }
    });
  }
});
