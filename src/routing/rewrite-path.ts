/**
 * Upstream path for a matched request, as Envoy's prefix_rewrite: the
 * matched prefix is replaced as a plain string (no segment boundary); on a
 * regex route the whole path is the matched part. The query string is kept.
 */
import type { MirrorSpec, Route, WeightedTarget } from './route-table.js';

/** `path` may carry its `?query`. Returns it unchanged when the target has no rewrite. */
export function rewritePath(path: string, route: Route, target: WeightedTarget | MirrorSpec): string {
  const rewrite = target.rewrite;
  if (rewrite === null) return path;
  const qi = path.indexOf('?');
  const query = qi < 0 ? '' : path.slice(qi);
  if (route.match.regex) return rewrite + query;
  const prefix = route.match.prefix;
  // The route matched on this prefix; guard anyway so a misuse never corrupts the path.
  if (!path.startsWith(prefix)) return path;
  return rewrite + path.slice(prefix.length);
}
