import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSdepError } from '../core/sdep-error.js';
import { BAD_JSON_INFO, parseRequestBody } from './request-body.js';

const buf = (s: string) => Buffer.from(s);

test('JSON bodies parse, with or without a charset', () => {
  assert.deepEqual(parseRequestBody(buf('{"strData":"x"}'), 'application/json; charset=utf-8'), {
    strData: 'x',
  });
  assert.deepEqual(parseRequestBody(buf('{"strData":"x"}')), { strData: 'x' });
});

test('Seldon form style: the json field holds the message', () => {
  const body = parseRequestBody(
    buf('json={"data":{"ndarray":[[1,1]]}}'),
    'application/x-www-form-urlencoded',
  );
  assert.deepEqual(body, { data: { ndarray: [[1, 1]] } });
  const encoded = `json=${encodeURIComponent('{"strData":"a+b"}')}`;
  assert.deepEqual(parseRequestBody(buf(encoded), 'application/x-www-form-urlencoded'), { strData: 'a+b' });
});

test('a JSON body sent with curl -d (form content type, no json field) still parses', () => {
  assert.deepEqual(parseRequestBody(buf('{"strData":"x"}'), 'application/x-www-form-urlencoded'), {
    strData: 'x',
  });
});

test('malformed or empty bodies are a 400 with Seldon wording', () => {
  for (const [raw, ct] of [
    ['{"data":', 'application/json'],
    ['', 'application/json'],
    ['json={bad', 'application/x-www-form-urlencoded'],
  ] as const) {
    assert.throws(
      () => parseRequestBody(buf(raw), ct),
      (e) => isSdepError(e) && e.status === 400 && e.code === 'SDEP_BAD_JSON' && e.message === BAD_JSON_INFO,
    );
  }
});
