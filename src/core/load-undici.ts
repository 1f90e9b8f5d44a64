/**
 * undici on demand. Its HTTP parser is llhttp in WebAssembly, about 20 MB of
 * RSS once loaded, and most sdep processes never use it: the gateway needs
 * it only for TLS upstreams (or --no-fast-path), a unit only for remote
 * components. Loaded synchronously (it is CommonJS) the first time one of
 * them makes a pool: once per process, at its first such request.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);
let undici: typeof Undici | undefined;

export function loadUndici(): typeof Undici {
  undici ??= require('undici') as typeof Undici;
  return undici;
}
