import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { BucketHistogram } from './bucket-histogram.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];

/** Lines of the text exposition, label order normalised (prom-client puts `le` first). */
function lines(text: string): string[] {
  return text
    .trim()
    .split('\n')
    .map((l) => l.replace(/\{([^}]*)\}/, (_m, inner: string) => `{${inner.split(',').sort().join(',')}}`))
    .sort();
}

test('BucketHistogram reads out exactly as prom-client Histogram does for the same observations', async () => {
  const ours = new Registry();
  const theirs = new Registry();
  const a = new BucketHistogram({
    name: 'h',
    help: 'help',
    labelNames: ['cluster', 'route'],
    buckets: BUCKETS,
    registers: [ours],
  });
  const b = new Histogram({
    name: 'h',
    help: 'help',
    labelNames: ['cluster', 'route'],
    buckets: BUCKETS,
    registers: [theirs],
  });
  const samples: [string, string, number][] = [
    ['c1', 'r1', 0.0005],
    ['c1', 'r1', 0.001], // on a bound: counted in that bucket (le)
    ['c1', 'r1', 0.05],
    ['c1', 'r1', 7], // above every bound: only +Inf
    ['c2', 'r"x', 0.2], // a label value that needs escaping
  ];
  const cell = a.labels('c1', 'r1');
  for (const [c, r, v] of samples) {
    if (c === 'c1') cell.observe(v);
    else a.observe({ cluster: c, route: r }, v);
    b.observe({ cluster: c, route: r }, v);
  }
  assert.deepEqual(lines(await ours.metrics()), lines(await theirs.metrics()));
  assert.match(await ours.metrics(), /h_bucket\{[^}]*le="0.001"[^}]*\} 2/);
});

test('BucketHistogram.reset zeroes bound cells, which keep counting', async () => {
  const registry = new Registry();
  const h = new BucketHistogram({
    name: 'h',
    help: 'help',
    labelNames: ['cluster'],
    buckets: BUCKETS,
    registers: [registry],
  });
  const cell = h.labels('c');
  cell.observe(0.5);
  cell.observe(Number.NaN); // ignored, not thrown
  registry.resetMetrics();
  cell.observe(0.05);
  const text = await registry.metrics();
  assert.match(text, /h_count\{cluster="c"\} 1/);
  assert.match(text, /h_sum\{cluster="c"\} 0.05/);
});
