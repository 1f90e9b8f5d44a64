/**
 * Optional confinement of what a unit may touch on disk: when roots are
 * configured (`sdep serve|unit --model-root DIR`, or SDEP_MODEL_ROOTS with
 * paths separated by `:`), every local modelUri (also the `model_uri`
 * parameter), every container working directory and every container command
 * given as a path must lie inside one of them — after `..` and symlinks are
 * resolved. Bare command names (`python`) are looked up on PATH as a pod
 * would; commands are never run through a shell either way.
 */
import { realpathSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SdepError } from '../core/sdep-error.js';

/** The roots from the environment (SDEP_MODEL_ROOTS), or undefined when none are set. */
export function rootsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const v = env.SDEP_MODEL_ROOTS;
  if (v === undefined || v.trim() === '') return undefined;
  return v
    .split(delimiter)
    .filter((r) => r !== '')
    .map((r) => resolve(r));
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest (for paths not created yet). */
function real(p: string): string {
  let head = resolve(p);
  const tail: string[] = [];
  for (let i = 0; i < 256; i++) {
    try {
      return resolve(realpathSync(head), ...tail.reverse());
    } catch {
      const up = dirname(head);
      if (up === head) return resolve(p);
      tail.push(head.slice(up.length).replace(/^[/\\]+/, ''));
      head = up;
    }
  }
  return resolve(p);
}

export function isInside(path: string, root: string): boolean {
  const rel = relative(real(root), real(path));
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

export function outsideRoots(what: string, path: string, roots: readonly string[]): SdepError {
  return new SdepError(
    'SDEP_PATH_OUTSIDE_ROOTS',
    `${what} ${path} is outside the allowed roots (${roots.join(', ')}; --model-root / SDEP_MODEL_ROOTS)`,
    { status: 500 },
  );
}

/** Throws SDEP_PATH_OUTSIDE_ROOTS unless `path` is inside a root (no-op when `roots` is undefined). */
export function checkInsideRoots(what: string, path: string, roots: readonly string[] | undefined): void {
  if (roots === undefined) return;
  if (!roots.some((r) => isInside(path, r))) throw outsideRoots(what, path, roots);
}

/** A modelUri's local path (plain path or file:// URL); undefined for other schemes (never read locally). */
export function localPathOf(uri: string, baseDir: string): string | undefined {
  if (uri.startsWith('file://')) return fileURLToPath(uri);
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !/^[a-z]:[\\/]/i.test(uri)) return undefined;
  return resolve(baseDir, uri);
}
