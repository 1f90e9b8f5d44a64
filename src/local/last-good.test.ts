import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deploymentSpec } from '../../test/fixtures/deployment-spec.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { diagnosticFile, mergeLastGood } from './last-good.js';

const spec = (file: string, name: string) => deploymentSpec({ source: { file, index: 0 }, name });

function error(resource: string): Diagnostic {
  return { code: 'SDEP_X', severity: 'error', resource, path: 'spec', message: 'bad' };
}

test('diagnosticFile picks the longest input file the resource names', () => {
  const files = ['dir/a.yaml', 'dir/a.yaml.bak/x.yaml'];
  assert.equal(diagnosticFile(error('dir/a.yaml#2 SeldonDeployment default/x'), files), 'dir/a.yaml');
  assert.equal(diagnosticFile(error('dir/a.yaml'), files), 'dir/a.yaml');
  assert.equal(diagnosticFile(error('Mapping m (from elsewhere.yaml#0)'), files), undefined);
});

test('a broken file keeps its last good deployments; others take their new content', () => {
  const lastGood = new Map([
    ['a.yaml', [spec('a.yaml', 'a1')]],
    ['b.yaml', [spec('b.yaml', 'b1')]],
  ]);
  const r = mergeLastGood([spec('b.yaml', 'b2')], [error('a.yaml#0 SeldonDeployment default/a1')], lastGood);
  assert.deepEqual(
    r.specs.map((s) => s.name),
    ['a1', 'b2'],
  );
  assert.deepEqual(r.keptFiles, ['a.yaml']);
  assert.deepEqual(
    r.lastGood.get('b.yaml')?.map((s) => s.name),
    ['b2'],
  );
});

test('a file that never loaded cleanly contributes what did load; a vanished file is dropped', () => {
  const r = mergeLastGood(
    [spec('c.yaml', 'good')],
    [error('c.yaml#1 SeldonDeployment default/bad'), { ...error('d.yaml'), severity: 'warning' }],
    new Map([['gone.yaml', [spec('gone.yaml', 'old')]]]),
  );
  assert.deepEqual(
    r.specs.map((s) => s.name),
    ['good'],
  );
  assert.deepEqual(r.keptFiles, []);
  assert.equal(r.lastGood.has('gone.yaml'), false);
});

test('a held file (read empty mid-write) keeps its last good deployments; a held file with none adds nothing', () => {
  const lastGood = new Map([['a.yaml', [spec('a.yaml', 'a1')]]]);
  const r = mergeLastGood([], [], lastGood, new Set(['a.yaml', 'new.yaml']));
  assert.deepEqual(
    r.specs.map((s) => s.name),
    ['a1'],
  );
  assert.deepEqual(r.keptFiles, ['a.yaml']);
  assert.deepEqual(mergeLastGood([], [], lastGood).specs, [], 'not held: the emptied file is dropped');
});
