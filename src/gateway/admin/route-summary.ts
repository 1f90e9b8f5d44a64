/** A RouteTable as a few readable lines, for the gateway's start-up and reload output. */
import { sharesOf } from '../../routing/normalize-weights.js';
import type { Route, RouteTable } from '../../routing/route-table.js';

function matchText(r: Route): string {
  const parts: string[] = [];
  if (r.match.method) parts.push(r.match.method);
  parts.push(r.match.regex ? `~${r.match.prefix}` : r.match.prefix);
  for (const h of r.match.headers) {
    if (h.name === ':authority') parts.push(`host=${h.value ?? '*'}`);
    else
      parts.push(
        h.kind === 'present' ? `[${h.name}]` : `[${h.name}${h.kind === 'regex' ? '~' : '='}${h.value ?? ''}]`,
      );
  }
  for (const q of r.match.query)
    parts.push(
      q.kind === 'present' ? `?${q.name}` : `?${q.name}${q.kind === 'regex' ? '~' : '='}${q.value ?? ''}`,
    );
  if (r.precedence !== 0) parts.push(`(precedence ${r.precedence})`);
  return parts.join(' ');
}

export function routeSummary(table: RouteTable): string[] {
  const lines = [
    `ambassador_id ${table.ambassadorId}: ${table.routes.length} route(s), ${table.clusters.size} cluster(s)`,
  ];
  for (const r of table.routes) {
    const shares = sharesOf(r.targets.map((t) => t.cumulative));
    const targets = r.targets
      .map((t, i) => ({ t, share: shares[i]! }))
      .filter(({ share }) => share > 0)
      .map(({ t, share }) => {
        const service = table.clusters.get(t.cluster)?.service ?? t.cluster;
        const rw = t.rewrite === null ? '' : ` rewrite ${t.rewrite}`;
        return `${share}% ${service}${rw}`;
      });
    if (r.unroutedPercent > 0) targets.push(`${r.unroutedPercent}% unrouted`);
    if (r.mirror) {
      targets.push(
        `shadow ${r.mirror.percent}% ${table.clusters.get(r.mirror.cluster)?.service ?? r.mirror.cluster}`,
      );
    }
    lines.push(`  ${matchText(r)}${r.grpc ? ' (grpc)' : ''} → ${targets.join(', ')}`);
  }
  return lines;
}
