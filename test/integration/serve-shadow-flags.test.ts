/**
 * The shadow's tuning flags through the CLI: `sdep serve` takes the same
 * --shadow-compare-rate and --shadow-pipelining as `sdep gateway`, and a bad
 * value to either command is a one-line usage error, not a stack trace.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { selfCommand } from '../../src/cli/self-command.js';
import { metricSum } from '../fixtures/prometheus-text.js';
import { imageOf, type ServeHarness, startServe, unitPredictionCount, waitAtLeast } from './serve-harness.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const cmd = selfCommand(args);
  const child = spawn(cmd.command, cmd.args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    }),
  );
}

let dir = '';
let h: ServeHarness | undefined;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdep-serve-shadow-flags-'));
  await copyFile(join(EXAMPLES, 'shadow.yaml'), join(dir, 'shadow.yaml'));
});

after(async () => {
  h?.kill();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a bad value to a numeric flag of gateway or serve: exit 1, the flag and the allowed range, no stack', async () => {
  const cases: [string[], RegExp][] = [
    [['gateway', '-m', dir, '--shadow-pipelining', '0'], /'--shadow-pipelining <n>' argument '0' .*1 to 256/],
    [['gateway', '-m', dir, '--workers', 'two'], /'--workers <n>' argument 'two' .*1 to 64/],
    [['gateway', '-m', dir, '--port', '70000'], /'-p, --port <port>' argument '70000' .*0 to 65535/],
    [['gateway', '-m', dir, '--shadow-compare-rate', '-1'], /'--shadow-compare-rate <n>' argument '-1'/],
    [['serve', dir, '--shadow-pipelining', '1.5'], /'--shadow-pipelining <n>' argument '1.5' .*1 to 256/],
    [['serve', dir, '--shadow-compare-rate', ''], /'--shadow-compare-rate <n>' argument '' .*0 to 1000000/],
  ];
  for (const [args, message] of cases) {
    const r = await run(args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `${args.join(' ')} printed a stack: ${r.stderr}`);
  }
});

test('serve --shadow-compare-rate 0 --shadow-pipelining 1: the shadow gets every copy, none is compared', async () => {
  h = await startServe([dir], ['--shadow-compare-rate', '0', '--shadow-pipelining', '1']);
  const copies = await unitPredictionCount(h, 'shadow-example', 'shadow');
  const before = await copies();
  // concurrent, so copies would share a connection if pipelining were on
  const replies = await Promise.all(
    Array.from({ length: 20 }, () => h!.predict('/seldon/shadow-example/api/v1.0/predictions')),
  );
  for (const r of replies) {
    assert.equal(r.status, 200);
    assert.ok(imageOf(r.json).endsWith(':1.2.1'), 'the client gets main’s answer');
  }
  assert.equal(await waitAtLeast(copies, before + 20), before + 20, 'each request was copied exactly once');
  // a comparison is recorded when the copy's answer is back at the gateway: give it time to
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await metricSum(`${h.admin}/metrics`, 'sdep_gateway_shadow_comparisons_total'), 0);
});
