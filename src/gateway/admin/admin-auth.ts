/**
 * Optional token protection of the admin port. It wraps the whole
 * request listener, so every path — diag, /metrics, status, the dashboard,
 * anything added later — needs `Authorization: Bearer <token>`; only the
 * liveness/readiness checks stay open (load balancers and process managers
 * probe them without credentials). Wrong or missing token: 401.
 */
import { Buffer } from 'node:buffer';
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Paths answered without a token. */
export const OPEN_ADMIN_PATHS: ReadonlySet<string> = new Set([
  '/ambassador/v0/check_alive',
  '/ambassador/v0/check_ready',
]);

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q === -1 ? u : u.slice(0, q);
}

/**
 * True when the request carries the token (compared in constant time), as
 * `Bearer <token>` (scripts, `sdep status`) or as the password of HTTP Basic
 * auth, any user name (a browser's login prompt, so the dashboard works).
 */
export function hasToken(req: IncomingMessage, expected: Buffer): boolean {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return false;
  const bearer = /^Bearer[ ]+(\S+)[ ]*$/i.exec(h);
  if (bearer !== null) return timingSafeEqual(digest(bearer[1]!), expected);
  const basic = /^Basic[ ]+([A-Za-z0-9+/=]+)[ ]*$/i.exec(h);
  if (basic === null) return false;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon !== -1 && timingSafeEqual(digest(decoded.slice(colon + 1)), expected);
}

export function withAdminAuth(listener: Listener, token: string): Listener {
  const expected = digest(token);
  return (req, res) => {
    if (OPEN_ADMIN_PATHS.has(pathOf(req.url)) || hasToken(req, expected)) {
      listener(req, res);
      return;
    }
    const body =
      'unauthorized: this admin port needs its token (Authorization: Bearer <token>, or Basic auth with the token as password)\n';
    req.resume();
    res.writeHead(401, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      // Basic first: a browser then prompts for it (password = the token)
      'www-authenticate': 'Basic realm="sdep admin", Bearer realm="sdep admin"',
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/** A token must be one printable word of reasonable length: no spaces, no control characters. */
export function checkToken(token: string, from: string): string {
  if (token.length < 16) throw new Error(`the admin token from ${from} is shorter than 16 characters`);
  if (!/^[\x21-\x7e]+$/.test(token))
    throw new Error(`the admin token from ${from} must be printable ASCII without spaces`);
  return token;
}

/**
 * The admin token to require, if any: `--admin-token-file` (its content,
 * trimmed) wins over the SDEP_ADMIN_TOKEN environment variable.
 */
export async function resolveAdminToken(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new Error(`--admin-token-file: cannot read ${file}: ${(e as Error).message}`);
    }
    return checkToken(text.trim(), file);
  }
  const v = env.SDEP_ADMIN_TOKEN;
  if (v === undefined || v === '') return undefined;
  return checkToken(v.trim(), '$SDEP_ADMIN_TOKEN');
}

/** Loopback addresses: binding anything else exposes the port beyond this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
