import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newRequestId } from './request-id.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('request ids are version-4 UUIDs, all different, across several batches', () => {
  const seen = new Set<string>();
  // 512 are made at a time: 2000 ids cross three refills.
  for (let i = 0; i < 2000; i++) {
    const id = newRequestId();
    assert.match(id, UUID_V4);
    seen.add(id);
  }
  assert.equal(seen.size, 2000);
});

test('the random digits are spread over all sixteen values in every position', () => {
  // Over 1000 ids a digit goes unseen in a random position with odds of
  // 16 * (15/16)^1000, about 1e-27: a missing one is a defect, not chance.
  const counts = Array.from({ length: 36 }, () => new Set<string>());
  for (let i = 0; i < 1000; i++) {
    const id = newRequestId();
    for (let p = 0; p < 36; p++) counts[p]!.add(id[p]!);
  }
  for (let p = 0; p < 36; p++) {
    // Dashes, the version digit (4) and the variant digit (8, 9, a or b) are fixed or narrow.
    const want = [8, 13, 14, 18, 23].includes(p) ? 1 : p === 19 ? 4 : 16;
    assert.equal(counts[p]!.size, want, `position ${p}`);
  }
});
