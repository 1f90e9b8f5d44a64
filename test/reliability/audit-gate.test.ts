/** scripts/audit.mjs decides on saved `npm audit --json` reports: high/critical block unless allowlisted with a reason. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
// @ts-expect-error: a plain .mjs script without type declarations
import { evaluate, loadAllowlist } from '../../scripts/audit.mjs';

type Verdict = { blocking: { id: string; package: string }[]; allowed: { id: string }[] };
const judge = evaluate as (report: unknown, allow: unknown[]) => Verdict;
const allowlist = loadAllowlist as (text: string) => unknown[];

const report = {
  auditReportVersion: 2,
  vulnerabilities: {
    leaf: {
      name: 'leaf',
      severity: 'high',
      via: [
        {
          source: 1,
          name: 'leaf',
          title: 'Prototype pollution',
          url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
          severity: 'high',
        },
        {
          source: 2,
          name: 'leaf',
          title: 'ReDoS',
          url: 'https://github.com/advisories/GHSA-dddd-eeee-ffff',
          severity: 'low',
        },
      ],
    },
    parent: { name: 'parent', severity: 'high', via: ['leaf'] },
    other: {
      name: 'other',
      severity: 'critical',
      via: [
        {
          source: 3,
          name: 'other',
          title: 'RCE',
          url: 'https://github.com/advisories/GHSA-1111-2222-3333',
          severity: 'critical',
        },
      ],
    },
  },
  metadata: { vulnerabilities: { low: 1, high: 2, critical: 1, total: 4 } },
};

test('high and critical advisories block; low ones and transitive mentions are not counted twice', () => {
  const v = judge(report, []);
  assert.deepEqual(v.blocking.map((b) => b.id).sort(), ['GHSA-1111-2222-3333', 'GHSA-AAAA-BBBB-CCCC']);
});

test('an allowlisted advisory no longer blocks', () => {
  const allow = allowlist(
    JSON.stringify([
      {
        advisory: 'GHSA-1111-2222-3333',
        package: 'other',
        reason: 'only reachable from a CLI flag we never pass',
      },
    ]),
  );
  const v = judge(report, allow);
  assert.deepEqual(
    v.blocking.map((b) => b.id),
    ['GHSA-AAAA-BBBB-CCCC'],
  );
  assert.deepEqual(
    v.allowed.map((b) => b.id),
    ['GHSA-1111-2222-3333'],
  );
});

test('an allowlist entry without a reason is refused', () => {
  assert.throws(() => allowlist('[{"advisory":"GHSA-1111-2222-3333"}]'), /reason/);
  assert.throws(() => allowlist('{}'), /array/);
});

test('a report that is an error (registry unreachable, no audit endpoint) is "unavailable", not clean', () => {
  assert.throws(
    () => judge({ message: '405 Method Not Allowed', statusCode: 405 }, []),
    (e: Error & { unavailable?: boolean }) => e.unavailable === true,
  );
  assert.deepEqual(judge({ vulnerabilities: {}, metadata: {} }, []).blocking, []);
});
