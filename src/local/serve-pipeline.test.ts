import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createServePipeline } from './serve-pipeline.js';

test('an empty input file is held (not read as "no deployments") and reported as a warning', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sdep-pipeline-'));
  try {
    await writeFile(join(dir, 'a.yaml'), '');
    await writeFile(join(dir, 'b.yaml'), '  \n');
    await writeFile(join(dir, 'c.yaml'), '# only a comment\n');
    const loaded = await createServePipeline({ singleNamespace: true, ambassadorId: 'default' }).load([dir]);
    assert.deepEqual(loaded.heldFiles, [join(dir, 'a.yaml'), join(dir, 'b.yaml')]);
    assert.deepEqual(
      loaded.diagnostics.map((d) => [d.code, d.severity]),
      [
        ['SDEP_LOCAL_FILE_EMPTY', 'warning'],
        ['SDEP_LOCAL_FILE_EMPTY', 'warning'],
      ],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
