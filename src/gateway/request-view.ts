/**
 * The routing matcher's view of a downstream request (routing's
 * `MatchRequest`), one small object per request; header lookup is a
 * prototype method so no closure is made.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { MatchRequest } from '../routing/index.js';

export class RequestView implements MatchRequest {
  method: string;
  path: string;
  query: string;
  authority: string;
  /** Path with its query string, as received. */
  readonly url: string;
  private readonly h: IncomingHttpHeaders;

  constructor(method: string, url: string, h: IncomingHttpHeaders) {
    this.method = method;
    this.url = url;
    this.h = h;
    const qi = url.indexOf('?');
    if (qi < 0) {
      this.path = url;
      this.query = '';
    } else {
      this.path = url.slice(0, qi);
      this.query = url.slice(qi + 1);
    }
    const host = h.host ?? h[':authority'];
    this.authority = typeof host === 'string' ? host : '';
  }

  headers(name: string): string | undefined {
    const v = this.h[name];
    if (v === undefined || typeof v === 'string') return v;
    return Array.isArray(v) ? v.join(',') : String(v);
  }
}
