/**
 * nginx and HAProxy as peers: config writers and starters for the same
 * weighted split (3:1) over keep-alive upstream connections, optionally with
 * TLS on the listener and (nginx) a mirror of every request. Each runs in a
 * temp dir on 127.0.0.1 with one worker / one thread.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDebian, freePort, start, waitForPort } from './proc.js';

export interface PeerOptions {
  /** [main, canary]: weights 3 and 1. */
  upstreams: [number, number];
  tls?: { cert: string; key: string } | undefined;
  /** nginx only: mirror every request to this port. */
  mirror?: number | undefined;
  cpu?: string | undefined;
  /** nginx worker processes (default 1). */
  workers?: number;
}

export interface Peer {
  name: string;
  port: number;
  child: ChildProcess;
  close(): Promise<void>;
}

export function nginxConfig(dir: string, port: number, o: PeerOptions): string {
  const [a, b] = o.upstreams;
  const listen = o.tls
    ? `listen 127.0.0.1:${port} ssl;\n    ssl_certificate ${dir}/cert.pem;\n    ssl_certificate_key ${dir}/key.pem;`
    : `listen 127.0.0.1:${port};`;
  const mirrorUpstream =
    o.mirror === undefined
      ? ''
      : `  upstream shadow {\n    server 127.0.0.1:${o.mirror};\n    keepalive 64;\n  }\n`;
  const mirror =
    o.mirror === undefined
      ? ''
      : `      mirror /__mirror;\n      mirror_request_body on;\n    }\n    location = /__mirror {\n      internal;\n      proxy_pass http://shadow$request_uri;\n      proxy_http_version 1.1;\n      proxy_set_header Connection "";\n`;
  return `worker_processes ${o.workers ?? 1};
daemon off;
master_process on;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  upstream split {
    server 127.0.0.1:${a} weight=3;
    server 127.0.0.1:${b} weight=1;
    keepalive 64;
    keepalive_requests 1000000;
  }
${mirrorUpstream}  server {
    ${listen}
    location / {
      proxy_pass http://split;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
${mirror}    }
  }
}
`;
}

export function haproxyConfig(dir: string, port: number, o: PeerOptions): string {
  const [a, b] = o.upstreams;
  const bind = o.tls ? `bind 127.0.0.1:${port} ssl crt ${dir}/combined.pem` : `bind 127.0.0.1:${port}`;
  return `global
  nbthread 1
  maxconn 4096
  pidfile ${dir}/haproxy.pid
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s
  option http-keep-alive
frontend fe
  ${bind}
  default_backend split
backend split
  balance roundrobin
  http-reuse always
  server main 127.0.0.1:${a} weight 3
  server canary 127.0.0.1:${b} weight 1
`;
}

async function startPeer(
  name: string,
  bin: string,
  pkg: string,
  write: (dir: string, port: number) => string,
  args: (dir: string) => string[],
  o: PeerOptions,
): Promise<Peer | undefined> {
  if (!ensureDebian(bin, pkg)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), `sdep-${bin}-`));
  if (o.tls) {
    writeFileSync(join(dir, 'cert.pem'), o.tls.cert);
    writeFileSync(join(dir, 'key.pem'), o.tls.key);
    writeFileSync(join(dir, 'combined.pem'), `${o.tls.cert}\n${o.tls.key}`);
  }
  const port = await freePort();
  writeFileSync(join(dir, 'conf'), write(dir, port));
  const child = start(bin, args(dir), { cpu: o.cpu });
  try {
    await waitForPort(port, 10_000);
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const { stop } = await import('./proc.js');
  return {
    name,
    port,
    child,
    async close() {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function startNginx(o: PeerOptions): Promise<Peer | undefined> {
  return startPeer(
    'nginx',
    'nginx',
    'nginx',
    (dir, port) => nginxConfig(dir, port, o),
    (dir) => ['-c', join(dir, 'conf'), '-p', dir, '-e', join(dir, 'error.log')],
    o,
  );
}

export function startHaproxy(o: PeerOptions): Promise<Peer | undefined> {
  return startPeer(
    'haproxy',
    'haproxy',
    'haproxy',
    (dir, port) => haproxyConfig(dir, port, o),
    (dir) => ['-f', join(dir, 'conf'), '-db'],
    o,
  );
}
