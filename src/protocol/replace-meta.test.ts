import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replaceMeta } from './replace-meta.js';
import type { SeldonMessage } from './seldon-message.js';

test('replaceMeta gives what { ...msg, meta } gives, key order included, and leaves msg alone', () => {
  const meta = { puid: 'new', tags: { a: 1 } };
  const withOld = { meta: { puid: 'old' }, data: { ndarray: [[1]] }, strData: 'x' } as SeldonMessage;
  const without: SeldonMessage = { data: { ndarray: [[2]] }, strData: 'y' };
  for (const msg of [withOld, without]) {
    const out = replaceMeta(msg, meta);
    assert.equal(JSON.stringify(out), JSON.stringify({ ...msg, meta }));
    assert.equal(out.meta, meta);
    assert.equal(out.data, msg.data);
  }
  assert.deepEqual(withOld.meta, { puid: 'old' });
  assert.equal(without.meta, undefined);
});
