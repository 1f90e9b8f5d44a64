/**
 * The standalone gateway's resolver: a Mapping `service` is taken literally
 * as `[scheme://]host[:port]` (port defaults to 80, or 443 for https).
 */
import type { Endpoint, ServiceResolver } from './service-resolver.js';

export function parseServiceAddress(service: string): Endpoint | undefined {
  let rest = service.trim();
  let defaultPort = 80;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    if (name === 'https') defaultPort = 443;
    else if (name !== 'http') return undefined;
    rest = rest.slice(scheme[0].length);
  }
  const slash = rest.indexOf('/');
  if (slash >= 0) rest = rest.slice(0, slash);
  if (rest === '') return undefined;
  let host = rest;
  let port = defaultPort;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracket) {
    host = bracket[1]!;
    if (bracket[2] !== undefined) port = Number(bracket[2]);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      host = rest.slice(0, colon);
      const p = rest.slice(colon + 1);
      if (!/^\d+$/.test(p)) return undefined;
      port = Number(p);
    }
  }
  if (host === '' || port < 1 || port > 65535) return undefined;
  return { host, port };
}

export function createLiteralResolver(): ServiceResolver {
  const cache = new Map<string, readonly Endpoint[]>();
  return {
    resolve(service: string): readonly Endpoint[] {
      let eps = cache.get(service);
      if (eps === undefined) {
        const ep = parseServiceAddress(service);
        eps = ep ? [ep] : [];
        cache.set(service, eps);
      }
      return eps;
    },
    onChange(): () => void {
      // Literal addresses never change.
      return () => {};
    },
  };
}
