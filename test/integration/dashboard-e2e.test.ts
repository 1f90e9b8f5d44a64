/**
 * The dashboard as a user sees it: `sdep serve examples/`, a bounded load on
 * the canary and shadow examples, and headless Chromium (Debian's, driven by
 * playwright-core) on the admin port. The page lists the deployments, the
 * canary's observed share approaches its weight, the shadow agreement figure
 * appears; screenshots go to test-output/dashboard.png (whole page) and
 * test-output/dashboard-laptop.png (the first screen).
 *
 * Skips only when no Chromium is installed and SDEP_REQUIRE_BROWSER is not
 * set (.ci/run installs it and sets it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { selfCommand } from '../../src/cli/self-command.js';
import type { StatusDocument } from '../../src/local/index.js';
import { type ServeHarness, startServe } from './serve-harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const OUT = fileURLToPath(new URL('../../test-output/', import.meta.url));
const CHROMIUM = process.env.SDEP_CHROMIUM ?? '/usr/bin/chromium';
const SEED_BODY = '{"data":{"names":["a","b"],"tensor":{"shape":[2,2],"values":[0,0,1,1]}}}';
/** Load bounds: requests and wall time, whichever comes first (well inside the page's 60 s window). */
const CANARY_REQUESTS = 400;
const SHADOW_REQUESTS = 100;
const LOAD_DEADLINE_MS = 40_000;

const noBrowser = !existsSync(CHROMIUM);
if (noBrowser && process.env.SDEP_REQUIRE_BROWSER) {
  throw new Error(`SDEP_REQUIRE_BROWSER is set but there is no Chromium at ${CHROMIUM}`);
}
const skip = noBrowser
  ? `no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set SDEP_CHROMIUM; .ci/run does`
  : false;

let serve: ServeHarness | undefined;
let browser: Browser | undefined;
let page: Page | undefined;
let gateway = '';
let admin = '';

function ensureDashboardBuilt(): void {
  if (existsSync(`${ROOT}web/dist/index.html`)) return;
  // `npm install` / `npm run build` build it; a bare checkout gets it built here
  const vite = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));
  const r = spawnSync(process.execPath, [vite, 'build', 'web', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, 'vite build web');
}

before(async () => {
  if (skip) return;
  ensureDashboardBuilt();
  serve = await startServe([EXAMPLES]);
  gateway = serve.gateway;
  admin = serve.admin;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // a laptop screen
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
});

after(async () => {
  await browser?.close().catch(() => {});
  serve?.kill();
});

async function predict(path: string): Promise<{ status: number; image: string }> {
  const res = await fetch(`${gateway}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: SEED_BODY,
  });
  const json = (await res.json().catch(() => ({}))) as { meta?: { requestPath?: Record<string, string> } };
  return { status: res.status, image: json.meta?.requestPath?.classifier ?? '?' };
}

/** `count` requests, `concurrency` at a time, stopping at the deadline. */
async function load(path: string, count: number, concurrency: number, deadline: number) {
  const out = { sent: 0, failed: 0, canary: 0 };
  const worker = async () => {
    while (out.sent < count && Date.now() < deadline) {
      out.sent++;
      const r = await predict(path);
      if (r.status !== 200) out.failed++;
      else if (r.image.endsWith(':1.2.2')) out.canary++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

async function textOf(testId: string): Promise<string> {
  return (await page!.getByTestId(testId).textContent({ timeout: 10_000 }))?.trim() ?? '';
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await get();
  while (!ok(v)) {
    if (Date.now() > end) assert.fail(`${what}: still ${JSON.stringify(v)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
    v = await get();
  }
  return v;
}

test('the dashboard lists every deployment, with predictors, units and routes', { skip }, async () => {
  const doc = (await (await fetch(`${admin}/sdep/v1/status`)).json()) as StatusDocument;
  assert.ok(doc.deployments.length >= 5, 'examples/ holds several deployments');
  await page!.goto(`${admin}/`);
  for (const d of doc.deployments) {
    await page!.getByTestId(`deployment-${d.namespace}/${d.name}`).waitFor({ timeout: 15_000 });
  }
  const canary = page!.getByTestId('predictor-default/example/canary');
  assert.match((await canary.textContent()) ?? '', /canary.*25%.*1\/1/);
  const routes = (await page!.locator('table.routes').textContent()) ?? '';
  assert.match(routes, /\/seldon\/example\//);
  assert.match(routes, /25%\s*example-canary\.default:8000/);
  assert.match(routes, /100% → shadow-example-shadow\.default:8000/);
});

test('under load: the canary share approaches 25%, shadow agreement shows, plots draw', {
  skip,
}, async (t) => {
  const deadline = Date.now() + LOAD_DEADLINE_MS;
  const [split, shadow] = await Promise.all([
    load('/seldon/example/api/v1.0/predictions', CANARY_REQUESTS, 4, deadline),
    load('/seldon/shadow-example/api/v1.0/predictions', SHADOW_REQUESTS, 2, deadline),
  ]);
  assert.equal(split.failed + shadow.failed, 0);
  assert.ok(split.sent >= 100, `only ${split.sent} canary-example requests within the deadline`);
  const clientShare = (100 * split.canary) / split.sent;
  t.diagnostic(`client saw canary answer ${split.canary}/${split.sent} = ${clientShare.toFixed(1)}%`);

  // the page polls every second; its 60 s window holds the requests just sent
  const shareText = await until(
    'canary observed share on the page (close to what the client saw)',
    () => textOf('share-default/example/canary'),
    (s) => Math.abs(Number.parseFloat(s) - clientShare) < 2,
  );
  const share = Number.parseFloat(shareText);
  t.diagnostic(`dashboard: canary observed share ${shareText} (weight 25%)`);
  // 25% of >= 100 requests, sd <= 4.4 points: 10 points is beyond 2 sd at the bound, 4.5 sd at 400
  assert.ok(Math.abs(share - 25) <= 10, `canary share ${share}%`);
  const mainShare = Number.parseFloat(await textOf('share-default/example/main'));
  assert.ok(Math.abs(mainShare + share - 100) < 0.2, `main ${mainShare}% + canary ${share}%`);

  const agreement = await until(
    'shadow agreement on the page',
    () => textOf('agreement-default/shadow-example/shadow'),
    (s) => /^\d+(\.\d)?%$/.test(s),
  );
  t.diagnostic(`dashboard: shadow agreement ${agreement}`);
  // main (mock_classifier 1.2.1) and shadow (1.2.2) are the same built-in model
  assert.equal(agreement, '100.0%');
  const panel = (await page!.getByTestId('shadow-default/shadow-example/shadow').textContent()) ?? '';
  assert.match(panel, /latency p50 main \/ shadow[\d.]+ ms \/ [\d.]+ ms/);

  const canvases = await page!.getByTestId('deployment-default/example').locator('canvas').count();
  assert.ok(canvases >= 3, `${canvases} plots drawn for the canary deployment`);

  const metrics = await (await fetch(`${admin}/metrics`)).text();
  const agreeLine = metrics
    .split('\n')
    .find((l) => l.startsWith('sdep_gateway_shadow_comparisons_total{') && l.includes('result="agree"'));
  assert.ok(agreeLine, 'agreement is on /metrics too');
  assert.ok(Number(agreeLine.split(' ').at(-1)) >= shadow.sent * 0.9, agreeLine);

  // a few more one-second points so the plots have lines, not single dots
  await page!.waitForTimeout(3000);
  await mkdir(OUT, { recursive: true });
  await page!.screenshot({ path: `${OUT}dashboard.png`, fullPage: true });
  // what a 1366×768 laptop shows without scrolling
  await page!.screenshot({ path: `${OUT}dashboard-laptop.png` });
  t.diagnostic(`screenshots: ${OUT}dashboard.png, ${OUT}dashboard-laptop.png`);
});

test('sdep status prints the same traffic figures from the same JSON API', { skip }, async () => {
  const cmd = selfCommand(['status', '--admin', admin]);
  const r = spawnSync(cmd.command, cmd.args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /traffic, last 60s:/);
  assert.match(r.stdout, /default\/example\s+canary\s+25%\s+\d+\.\d%/);
  assert.match(r.stdout, /default\/shadow-example\s+shadow\s+\d+\s+100\.0%/);
});
