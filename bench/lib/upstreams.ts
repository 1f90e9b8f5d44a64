/**
 * Benchmark upstreams: `node --import tsx bench/lib/upstreams.ts N [responseBytes]`
 * starts N identical node:http servers in this one process (keep-alive, a
 * fixed small JSON answer after reading the body) and prints `{"ports":[...]}`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const n = Number(process.argv[2] ?? 2);
const RESPONSE = Buffer.from(JSON.stringify({ data: { names: ['t:0'], ndarray: [[0.5]] }, meta: {} }));
const HEADERS = { 'content-type': 'application/json', 'content-length': String(RESPONSE.length) };

function noop(): void {}

const ports: number[] = [];
for (let i = 0; i < n; i++) {
  const server = http.createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    req.on('data', noop);
    req.on('end', () => {
      res.writeHead(200, HEADERS);
      res.end(RESPONSE);
    });
  });
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports.push((server.address() as AddressInfo).port);
}
process.stdout.write(`${JSON.stringify({ ports })}\n`);
