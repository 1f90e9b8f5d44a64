/**
 * Gateway benchmark (not part of `npm test`): `npx tsx bench/gateway.ts [--install] [--duration=S]`.
 *
 * Two identical node:http upstreams (one child process). Measures req/s and
 * p50/p99 of a small JSON POST at 16 connections for: direct to one
 * upstream; through sdep's gateway (child process) with a 75/25 weighted
 * route; through nginx (one worker, weighted upstream 3:1, keep-alive) when
 * installed (`--install` tries `apt-get install -y nginx`). Load comes from
 * autocannon (or wrk when present) in its own process. Prints the ratios
 * sdep/nginx and sdep vs direct.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const ROOT = join(dirname(SELF), '..');
const CONNECTIONS = 16;
const BODY = JSON.stringify({ data: { names: ['a', 'b'], ndarray: [[1.0, 2.0]] } });
const RESPONSE = JSON.stringify({ data: { names: ['t:0'], ndarray: [[0.5]] }, meta: {} });

const args = process.argv.slice(2);
const role = args.find((a) => a.startsWith('--role='))?.slice(7);
const duration = Number(args.find((a) => a.startsWith('--duration='))?.slice(11) ?? 8);

if (role === 'upstreams') await runUpstreams();
else if (role === 'gateway') await runGateway(args);
else await main();

// --- child roles ---

async function runUpstreams(): Promise<void> {
  const ports: number[] = [];
  for (let i = 0; i < 2; i++) {
    const server = http.createServer((req, res) => {
      req.on('data', noop);
      req.on('end', () => {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(RESPONSE),
        });
        res.end(RESPONSE);
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ports.push((server.address() as AddressInfo).port);
  }
  process.stdout.write(`${JSON.stringify({ ports })}\n`);
}

async function runGateway(argv: string[]): Promise<void> {
  const ports = argv
    .find((a) => a.startsWith('--upstreams='))!
    .slice(12)
    .split(',');
  const { createGateway, createLiteralResolver } = await import('../src/gateway/index.js');
  const { buildRouteTable } = await import('../src/routing/index.js');
  const gateway = createGateway({ resolver: createLiteralResolver() });
  gateway.setTable(
    buildRouteTable(
      [
        { name: 'main', prefix: '/', rewrite: '', service: `127.0.0.1:${ports[0]}`, weight: 75 },
        { name: 'canary', prefix: '/', rewrite: '', service: `127.0.0.1:${ports[1]}`, weight: 25 },
      ],
      { ambassadorId: 'default' },
    ),
  );
  const addr = await gateway.listen(0, '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ port: addr.port })}\n`);
}

// --- orchestration ---

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function noop(): void {}

function firstLine(child: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error('child did not start in 60 s')), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(t);
        resolve(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
}

function startChild(childArgs: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', SELF, ...childArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listening on ${port}`);
}

function load(name: string, url: string, seconds: number): Result {
  if (has('wrk')) return loadWrk(name, url, seconds);
  const out = execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/autocannon/autocannon.js'),
      '-c',
      String(CONNECTIONS),
      '-d',
      String(seconds),
      '-m',
      'POST',
      '-H',
      'content-type=application/json',
      '-b',
      BODY,
      '--json',
      url,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 },
  );
  const r = JSON.parse(out) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
    timeouts: number;
  };
  return {
    name,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
  };
}

function loadWrk(name: string, url: string, seconds: number): Result {
  const dir = mkdtempSync(join(tmpdir(), 'sdep-wrk-'));
  const script = join(dir, 'post.lua');
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.body = ${JSON.stringify(BODY)}\nwrk.headers["content-type"] = "application/json"\n` +
      'done = function(summary, latency, requests)\n' +
      '  io.write(string.format("JSON {\\"rps\\":%f,\\"p50\\":%f,\\"p99\\":%f,\\"errors\\":%d}\\n", ' +
      'summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, ' +
      'summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))\n' +
      'end\n',
  );
  try {
    const out = execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '-s', script, url], {
      encoding: 'utf8',
    });
    const line = out.split('\n').find((l) => l.startsWith('JSON '))!;
    const r = JSON.parse(line.slice(5)) as Omit<Result, 'name'>;
    return { name, ...r };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function measure(name: string, url: string): Result {
  load(name, url, 1); // warm-up: connections, JIT
  return load(name, url, duration);
}

function nginxConfig(dir: string, port: number, upstreams: number[]): string {
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream split {
    server 127.0.0.1:${upstreams[0]} weight=3;
    server 127.0.0.1:${upstreams[1]} weight=1;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://split;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  const cleanup: (() => void)[] = [];
  const stop = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    for (const f of cleanup) f();
  };
  process.on('SIGINT', () => {
    stop();
    process.exit(130);
  });
  try {
    if (!has('nginx') && args.includes('--install')) {
      console.log('installing nginx (apt-get) ...');
      spawnSync(
        'sh',
        ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx'],
        {
          stdio: 'inherit',
        },
      );
    }
    const ups = startChild(['--role=upstreams']);
    children.push(ups);
    const { ports } = (await firstLine(ups)) as { ports: number[] };
    const gw = startChild(['--role=gateway', `--upstreams=${ports.join(',')}`]);
    children.push(gw);
    const { port: gwPort } = (await firstLine(gw)) as { port: number };

    console.log(
      `load: ${has('wrk') ? 'wrk' : 'autocannon'}, ${CONNECTIONS} connections, ${duration} s, POST ${BODY.length} B JSON`,
    );
    const results: Result[] = [];
    results.push(measure('direct (one upstream)', `http://127.0.0.1:${ports[0]}/api/v1.0/predictions`));
    results.push(measure('sdep gateway 75/25', `http://127.0.0.1:${gwPort}/api/v1.0/predictions`));

    let nginx: Result | undefined;
    if (has('nginx')) {
      const dir = mkdtempSync(join(tmpdir(), 'sdep-nginx-'));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      const port = await freePort();
      writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port, ports));
      const ng = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(ng);
      await waitForPort(port, 10_000);
      nginx = measure('nginx 75/25 (1 worker)', `http://127.0.0.1:${port}/api/v1.0/predictions`);
      results.push(nginx);
    } else {
      console.log('nginx is not installed: run with --install to compare (apt-get install -y nginx)');
    }

    console.log('');
    console.log('| setup | req/s | p50 ms | p99 ms | errors |');
    console.log('|---|---:|---:|---:|---:|');
    for (const r of results) {
      console.log(
        `| ${r.name} | ${Math.round(r.rps)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} |`,
      );
    }
    const [direct, sdep] = results as [Result, Result];
    console.log('');
    console.log(
      `sdep vs direct: ${(sdep.rps / direct.rps).toFixed(2)}x throughput, p50 +${(sdep.p50 - direct.p50).toFixed(2)} ms`,
    );
    if (nginx) {
      console.log(
        `sdep/nginx: ${(sdep.rps / nginx.rps).toFixed(2)}x throughput (target >= 0.6x), p50 ${sdep.p50.toFixed(2)} vs ${nginx.p50.toFixed(2)} ms`,
      );
    }
  } finally {
    stop();
  }
}
