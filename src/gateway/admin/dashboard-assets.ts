/**
 * The dashboard's files (web/, built by `npm run build` into web/dist) served
 * from the admin port: `/` is index.html, `/assets/...` the hashed bundles.
 * Files are read once and kept in memory (a few hundred KB). When the build
 * is missing, `/` says so and how to fix it, and links to what works
 * without it.
 */
import type { Buffer } from 'node:buffer';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdminHandler } from './admin-server.js';

/** web/dist beside src/ or dist/ (this file is three levels below the package root either way). */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  type: string;
  body: Buffer;
  immutable: boolean;
}

function indexStamp(dir: string): number | undefined {
  try {
    return statSync(join(dir, 'index.html')).mtimeMs;
  } catch {
    return undefined;
  }
}

function loadAssets(dir: string): Map<string, Asset> | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const assets = new Map<string, Asset>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        walk(p);
        continue;
      }
      const url = `/${relative(dir, p).split(sep).join('/')}`;
      assets.set(url, {
        type: TYPES[extname(p)] ?? 'application/octet-stream',
        body: readFileSync(p),
        immutable: url.startsWith('/assets/'),
      });
    }
  };
  walk(dir);
  return assets;
}

function notBuiltPage(dir: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>sdep dashboard not built</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:46em;line-height:1.5}code{background:#f2f2f2;padding:1px 4px}</style>
</head><body>
<h1>The sdep dashboard is not built</h1>
<p>No <code>index.html</code> in <code>${dir.replace(/[&<>]/g, '')}</code>.
Build it with <code>npm run build</code> (<code>npm install</code> runs it too) and reload this page.</p>
<p>Meanwhile: <a href="/ambassador/v0/diag/">diagnostics</a> ·
<a href="/sdep/v1/status">status JSON</a> · <a href="/sdep/v1/metrics">traffic JSON</a> ·
<a href="/metrics">Prometheus metrics</a> · or run <code>sdep status</code>.</p>
</body></html>
`;
}

export interface DashboardOptions {
  /** Default: web/dist of this package. */
  dir?: string;
}

/** The admin server's fallback handler: the dashboard, or 404 for other paths. */
export function dashboardHandler(opts: DashboardOptions = {}): AdminHandler {
  const dir = opts.dir ?? DEFAULT_DASHBOARD_DIR;
  let stamp = indexStamp(dir);
  let assets = loadAssets(dir);
  return (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      const known = url.pathname === '/' || assets?.has(url.pathname) === true;
      res.writeHead(known ? 405 : 404, {
        'content-type': 'text/plain; charset=utf-8',
        ...(known ? { allow: 'GET, HEAD' } : {}),
      });
      res.end(known ? 'method not allowed\n' : 'not found\n');
      return;
    }
    // a build made after start-up (or a rebuild) is picked up on the next visit to /
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const now = indexStamp(dir);
      if (now !== stamp) {
        stamp = now;
        assets = loadAssets(dir);
      }
    }
    const path = url.pathname === '/' ? '/index.html' : url.pathname;
    if (assets === undefined && path === '/index.html') {
      const body = notBuiltPage(dir);
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
      res.end(head ? undefined : body);
      return;
    }
    const asset = assets?.get(path);
    if (asset === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(head ? undefined : 'not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': asset.type,
      'content-length': asset.body.length,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(head ? undefined : asset.body);
  };
}
