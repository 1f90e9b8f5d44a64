/**
 * docs/errors.md is generated from every folder's `src/<folder>/codes.ts`
 * (`export const CODES = { SDEP_X: 'meaning' }`). `--write` rewrites the doc;
 * the test in test/docs/ fails when the committed doc and the code disagree.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DOC_PATH = join(ROOT, 'docs', 'errors.md');

export interface CodeEntry {
  folder: string;
  code: string;
  meaning: string;
}

export async function collectCodes(): Promise<CodeEntry[]> {
  const src = join(ROOT, 'src');
  const entries: CodeEntry[] = [];
  for (const folder of readdirSync(src).sort()) {
    let mod: { CODES?: Record<string, string> };
    try {
      readFileSync(join(src, folder, 'codes.ts'));
    } catch {
      continue;
    }
    mod = await import(pathToFileURL(join(src, folder, 'codes.ts')).href);
    for (const [code, meaning] of Object.entries(mod.CODES ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      entries.push({ folder, code, meaning });
    }
  }
  return entries;
}

export function renderErrorsDoc(entries: readonly CodeEntry[]): string {
  const lines = [
    '# Error and diagnostic codes',
    '',
    'Generated from `src/*/codes.ts` by `npx tsx scripts/errors-doc.ts --write`; a test keeps it in sync.',
    'Compile-time codes appear as diagnostics (`sdep validate`, the diag endpoint, operator status);',
    'run-time codes appear in error responses and logs.',
    '',
  ];
  let folder = '';
  for (const e of entries) {
    if (e.folder !== folder) {
      folder = e.folder;
      lines.push(`## ${folder}/`, '', '| code | meaning |', '|---|---|');
    }
    lines.push(`| \`${e.code}\` | ${e.meaning.replace(/\|/g, '\\|')} |`);
    const next = entries[entries.indexOf(e) + 1];
    if (!next || next.folder !== folder) lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = renderErrorsDoc(await collectCodes());
  if (process.argv.includes('--write')) writeFileSync(DOC_PATH, text);
  else process.stdout.write(text);
}
