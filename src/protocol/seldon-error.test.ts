import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SdepError } from '../core/sdep-error.js';
import { seldonError, wrapperError } from './seldon-error.js';

test('seldonError: code is the HTTP status, reason the sdep code', () => {
  for (const status of [400, 500, 503, 504]) {
    const r = seldonError(new SdepError('SDEP_X', 'boom', { status }));
    assert.deepEqual(r, {
      status,
      body: { status: { code: status, info: 'boom', reason: 'SDEP_X', status: 'FAILURE' } },
    });
  }
});

test('unknown exceptions are a 500 component exception', () => {
  assert.deepEqual(seldonError(new Error('division by zero')), {
    status: 500,
    body: {
      status: { code: 500, info: 'division by zero', reason: 'SDEP_COMPONENT_EXCEPTION', status: 'FAILURE' },
    },
  });
});

test("wrapperError: the Python wrapper's dialect", () => {
  assert.deepEqual(wrapperError(new SdepError('SDEP_BAD_JSON', 'bad', { status: 400 })).body.status, {
    code: -1,
    info: 'bad',
    reason: 'MICROSERVICE_BAD_DATA',
    status: 1,
  });
  const r = wrapperError(new TypeError('x is undefined'));
  assert.equal(r.status, 500);
  assert.equal(r.body.status.reason, 'MICROSERVICE_INTERNAL_ERROR');
});
