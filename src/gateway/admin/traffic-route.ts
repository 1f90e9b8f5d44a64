/** `GET /sdep/v1/metrics[?since=<seconds>]`: the TrafficHistory as JSON (dashboard, `sdep status`). */
import { Buffer } from 'node:buffer';
import type { AdminHandler } from './admin-server.js';
import type { TrafficHistory } from './traffic-history.js';

export const TRAFFIC_PATH = '/sdep/v1/metrics';

export function trafficHandler(history: TrafficHistory): AdminHandler {
  return (req, res, url) => {
    const raw = url.searchParams.get('since');
    const since = raw === null || raw === '' ? undefined : Number(raw);
    if (since !== undefined && !Number.isFinite(since)) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `since must be a number of seconds since the epoch, got ${raw}` }));
      return;
    }
    const body = JSON.stringify(history.document(since));
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
