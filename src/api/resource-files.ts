/**
 * Files and directories → resource documents. The one I/O edge of api/:
 * directories are read recursively (*.yaml, *.yml, *.json; dot-entries
 * skipped; names sorted by code unit for determinism), files over the size
 * cap are refused with a diagnostic, unreadable paths are listed, not thrown.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { parseResourceText, type ResourceDocument, type TextOptions } from './resource-text.js';

export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;
const RESOURCE_EXTENSIONS = ['.yaml', '.yml', '.json'];

export interface ReadOptions extends TextOptions {
  /** Files larger than this are refused (SDEP_FILE_TOO_LARGE). Default 4 MiB. */
  maxFileBytes?: number;
}

export interface Unreadable {
  path: string;
  reason: string;
}

export interface ReadResult {
  documents: ResourceDocument[];
  diagnostics: Diagnostic[];
  unreadable: Unreadable[];
  /** Files read with nothing but white space in them (often a write caught half way). */
  emptyFiles: string[];
}

/** The error Diagnostic for an unreadable path, for callers that report everything as diagnostics. */
export function unreadableDiagnostic(u: Unreadable): Diagnostic {
  return {
    code: 'SDEP_FILE_UNREADABLE',
    severity: 'error',
    resource: u.path,
    path: '',
    message: `cannot read ${u.path}: ${u.reason}`,
  };
}

function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (!err?.code) return String(e);
  // fs messages already start with the code ("ENOENT: no such file or directory, stat 'x'")
  return err.message.startsWith(`${err.code}:`) ? err.message : `${err.code}: ${err.message}`;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Expands directories into their resource files, depth-first, sorted. */
async function expand(path: string, out: string[], unreadable: Unreadable[], seenDirs: Set<string>) {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (e) {
    unreadable.push({ path, reason: reasonOf(e) });
    return;
  }
  if (!info.isDirectory()) {
    out.push(path);
    return;
  }
  let names: string[];
  try {
    const real = await realpath(path);
    if (seenDirs.has(real)) return; // a symlink loop
    seenDirs.add(real);
    names = (await readdir(path)).sort(byCodeUnit);
  } catch (e) {
    unreadable.push({ path, reason: reasonOf(e) });
    return;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const child = join(path, name);
    let childInfo: Awaited<ReturnType<typeof stat>>;
    try {
      childInfo = await stat(child);
    } catch (e) {
      unreadable.push({ path: child, reason: reasonOf(e) });
      continue;
    }
    if (childInfo.isDirectory()) await expand(child, out, unreadable, seenDirs);
    else if (RESOURCE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext))) out.push(child);
  }
}

export async function readResourceFiles(
  paths: readonly string[],
  options: ReadOptions = {},
): Promise<ReadResult> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const result: ReadResult = { documents: [], diagnostics: [], unreadable: [], emptyFiles: [] };
  const files: string[] = [];
  const seenDirs = new Set<string>();
  for (const p of paths) await expand(p, files, result.unreadable, seenDirs);
  for (const file of files) {
    let text: string;
    try {
      const size = (await stat(file)).size;
      if (size > maxFileBytes) {
        result.diagnostics.push({
          code: 'SDEP_FILE_TOO_LARGE',
          severity: 'error',
          resource: file,
          path: '',
          message: `${file} is ${size} bytes, over the ${maxFileBytes}-byte limit; not read`,
        });
        continue;
      }
      text = await readFile(file, 'utf8');
    } catch (e) {
      result.unreadable.push({ path: file, reason: reasonOf(e) });
      continue;
    }
    if (text.trim() === '') result.emptyFiles.push(file);
    const parsed = parseResourceText(text, file, options);
    result.documents.push(...parsed.documents);
    result.diagnostics.push(...parsed.diagnostics);
  }
  return result;
}
