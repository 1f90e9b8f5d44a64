import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSdepError, type SdepError } from '../core/sdep-error.js';
import { BAD_JSON_INFO, MAX_JSON_DEPTH, nestsDeeperThan, parseRequestBody } from './request-body.js';

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

test('invalid UTF-8 is a 400 that says so, not a body with replacement characters', () => {
  const bad = Buffer.concat([Buffer.from('{"strData":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
  assert.throws(
    () => parseRequestBody(bad, 'application/json'),
    (e: SdepError) => e.status === 400 && e.code === 'SDEP_BAD_JSON' && /UTF-8/.test(e.message),
  );
});

test('nesting deeper than MAX_JSON_DEPTH is a 400 before anything walks it; brackets in strings do not count', () => {
  const deep = `{"jsonData":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  assert.throws(
    () => parseRequestBody(Buffer.from(deep)),
    (e: SdepError) => e.status === 400 && /deeper than 256/.test(e.message),
  );
  const ok = `{"jsonData":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`;
  assert.ok(parseRequestBody(Buffer.from(ok)));
  assert.deepEqual(parseRequestBody(Buffer.from(`{"strData":"${'['.repeat(1000)}\\"{"}`)), {
    strData: `${'['.repeat(1000)}"{`,
  });
  assert.equal(nestsDeeperThan('[[1]]', 2), false);
  assert.equal(nestsDeeperThan('[[[1]]]', 2), true);
  assert.equal(nestsDeeperThan('{"a":[{"b":1}]}', 2), true, 'objects and arrays both count');
  assert.equal(nestsDeeperThan('{"a":[{"b":1}]}', 3), false);
  // more openings than the limit, none deep: the count alone cannot clear it, the scan does
  const rows = JSON.stringify({ data: { ndarray: Array.from({ length: 1000 }, (_, i) => [i]) } });
  assert.equal(nestsDeeperThan(rows, 4), false, '{ { [ [ is 4 deep');
  assert.equal(nestsDeeperThan(rows, 3), true);
});
