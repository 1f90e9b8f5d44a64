/** The diag page for people: the same document as the JSON, as a small HTML page. */
import type { DiagDocument } from './diag-json.js';

function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function diagHtml(doc: DiagDocument): string {
  const rows = doc.route_info
    .map((r) => {
      const match = [
        r.method ? `method ${r.method}` : '',
        r.host ? `host ${r.host}` : '',
        ...r.headers.map(
          (h) => `${h.name}${h.regex ? ' ~ ' : ': '}${h.value === true ? '(present)' : h.value}`,
        ),
        ...r.query_parameters.map(
          (q) => `?${q.name}${q.regex ? ' ~ ' : '='}${q.value === true ? '(present)' : q.value}`,
        ),
      ]
        .filter(Boolean)
        .join(', ');
      const clusters = r.clusters
        .map(
          (c) =>
            `${esc(c.type_label === 'shadow' ? 'shadow ' : '')}${esc(c.weight)}% → ${esc(c.service)} <small>(${esc(c.name)}, ${esc(c.mapping)})</small>`,
        )
        .join('<br>');
      return `<tr><td>${esc(r.precedence)}</td><td><code>${esc(r.prefix)}</code>${r.prefix_regex ? ' (regex)' : ''}</td><td>${esc(match)}</td><td><code>${esc(r.rewrite ?? '(none)')}</code></td><td>${clusters}${r.unrouted_percent ? `<br>${esc(r.unrouted_percent)}% unrouted` : ''}</td></tr>`;
    })
    .join('\n');
  const errors = doc.errors.map(([res, msg]) => `<li><b>${esc(res)}</b>: ${esc(msg)}</li>`).join('\n');
  const notices = doc.notices.map((n) => `<li>${esc(n.level)}: ${esc(n.message)}</li>`).join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>sdep diagnostics</title>
<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}</style>
</head><body>
<h1>sdep gateway diagnostics</h1>
<p>${esc(doc.system.version)} · ambassador_id ${esc(doc.system.ambassador_id ?? '(none)')} · ${doc.system.ready ? 'ready' : 'not ready'} · ${esc(doc.system.route_count)} routes, ${esc(doc.system.cluster_count)} clusters · <a href="?json=true">JSON</a></p>
<h2>Routes (evaluation order)</h2>
<table><tr><th>precedence</th><th>prefix</th><th>match</th><th>rewrite</th><th>clusters</th></tr>
${rows}
</table>
<h2>Errors (${doc.errors.length})</h2><ul>${errors}</ul>
<h2>Notices (${doc.notices.length})</h2><ul>${notices}</ul>
</body></html>
`;
}
