// `npm audit` gate for the runtime dependencies (devDependencies left out):
// fails on high/critical advisories not listed, with a reason, in
// audit-allowlist.json. When the advisory service cannot be reached (offline,
// a mirror without the audit endpoint) it says so and passes, unless
// SDEP_AUDIT_STRICT=1. `--report <file>` evaluates a saved `npm audit --json`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BLOCKING = new Set(['high', 'critical']);

/** Allowlist entries: { "advisory": "GHSA-…" | advisory URL, "package": "name", "reason": "why it does not apply" }. */
export function loadAllowlist(text) {
  const list = JSON.parse(text);
  if (!Array.isArray(list)) throw new Error('audit-allowlist.json must be an array');
  for (const [i, e] of list.entries()) {
    if (typeof e?.advisory !== 'string' || e.advisory === '')
      throw new Error(`audit-allowlist.json[${i}]: "advisory" (a GHSA id or URL) is required`);
    if (typeof e.reason !== 'string' || e.reason.trim().length < 10)
      throw new Error(`audit-allowlist.json[${i}] (${e.advisory}): a "reason" is required`);
  }
  return list;
}

function advisoryId(url) {
  const m = /GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}/i.exec(String(url));
  return m ? m[0].toUpperCase() : String(url);
}

/**
 * The blocking advisories of an `npm audit --json` report (v2 format):
 * { blocking: [{package, id, severity, title, url}], allowed: [...] }.
 * Throws when the report is an error (no `vulnerabilities` key).
 */
export function evaluate(report, allowlist) {
  if (report === null || typeof report !== 'object' || typeof report.vulnerabilities !== 'object') {
    const why = report?.message ?? report?.error?.summary ?? 'no "vulnerabilities" in the report';
    const e = new Error(String(why));
    e.unavailable = true;
    throw e;
  }
  const allowedIds = new Set(allowlist.map((a) => advisoryId(a.advisory)));
  const seen = new Map();
  for (const v of Object.values(report.vulnerabilities)) {
    for (const via of v.via ?? []) {
      // a string names another package whose own entry carries the advisory
      if (typeof via !== 'object' || via === null) continue;
      if (!BLOCKING.has(via.severity)) continue;
      const id = advisoryId(via.url ?? via.source);
      if (!seen.has(id))
        seen.set(id, {
          package: via.name ?? v.name,
          id,
          severity: via.severity,
          title: via.title,
          url: via.url,
        });
    }
  }
  const all = [...seen.values()];
  return {
    blocking: all.filter((a) => !allowedIds.has(a.id)),
    allowed: all.filter((a) => allowedIds.has(a.id)),
  };
}

function main(args) {
  const strict = process.env.SDEP_AUDIT_STRICT === '1';
  const allowlist = loadAllowlist(readFileSync(join(ROOT, 'audit-allowlist.json'), 'utf8'));
  let text;
  const at = args.indexOf('--report');
  if (at !== -1) text = readFileSync(args[at + 1], 'utf8');
  else {
    const r = spawnSync('npm', ['audit', '--omit=dev', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    text = r.stdout ?? '';
    if (r.error) text = JSON.stringify({ message: r.error.message });
  }
  let report;
  try {
    report = JSON.parse(text);
  } catch {
    report = { message: `npm audit printed no JSON: ${text.slice(0, 200)}` };
  }
  let result;
  try {
    result = evaluate(report, allowlist);
  } catch (e) {
    if (!e.unavailable) throw e;
    const note = `audit: NOT CHECKED — the advisory service could not be queried (${e.message})`;
    if (strict) {
      console.error(`${note}; failing because SDEP_AUDIT_STRICT=1`);
      process.exit(2);
    }
    console.log(`${note}; passing. Set SDEP_AUDIT_STRICT=1 to fail instead.`);
    return;
  }
  const counts = report.metadata?.vulnerabilities ?? {};
  console.log(
    `audit (runtime dependencies): ${Object.entries(counts)
      .filter(([k]) => k !== 'total')
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
  for (const a of result.allowed) console.log(`  allowed ${a.severity} ${a.id} in ${a.package}: ${a.title}`);
  if (result.blocking.length === 0) {
    console.log('audit: no high or critical advisory outside the allowlist');
    return;
  }
  for (const a of result.blocking)
    console.error(`  BLOCKING ${a.severity} ${a.id} in ${a.package}: ${a.title} ${a.url ?? ''}`);
  console.error(
    `audit: ${result.blocking.length} high/critical advisories; upgrade, or add them to audit-allowlist.json with a reason`,
  );
  process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
