/**
 * sdep's strict HTTP/1.1 request parser against node's (llhttp), on
 * generated heads with the awkward parts requests smuggle through: odd
 * bytes in names and values, repeated and conflicting framing headers,
 * stray whitespace, bare CR/LF. Whenever sdep's parser takes a head, node's
 * server must take the same bytes as the same request (method, target,
 * headers); a head node refuses must never be one sdep took. Real server,
 * real socket on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { INCOMPLETE, parseRequestHead } from '../../src/http1/request-parser.js';

interface NodeView {
  status: 'ok' | 'refused';
  method?: string;
  url?: string;
  headers?: http.IncomingHttpHeaders;
}

let server: http.Server;
let port = 0;
const seen = new Map<string, NodeView>();

before(async () => {
  server = http.createServer((req, res) => {
    const id = String(req.headers['x-case'] ?? '');
    seen.set(id, { status: 'ok', method: req.method, url: req.url, headers: { ...req.headers } });
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

/** What node's server makes of `head` (plus the body its content-length announces, if any). */
function nodeParse(id: string, head: string, bodyLength: number): Promise<NodeView> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let answer = '';
    const done = () => {
      sock.destroy();
      const view = seen.get(id);
      resolve(view !== undefined && /^HTTP\/1\.1 200/.test(answer) ? view : { status: 'refused' });
    };
    const timer = setTimeout(done, 1000);
    sock.on('data', (d) => {
      answer += d.toString('latin1');
      if (answer.includes('\r\n\r\n')) {
        clearTimeout(timer);
        // Let the handler record the request if it was accepted.
        setImmediate(done);
      }
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(timer);
      done();
    });
    sock.write(Buffer.from(`${head}\r\n\r\n${'x'.repeat(bodyLength)}`, 'latin1'));
  });
}

const weird = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: usual, weight: 5 }, { arbitrary: odd, weight: 1 });
const nameChars = weird(
  fc.constantFrom('a', 'b', 'X', '-'),
  fc.constantFrom('_', '.', '!', ' ', '\t', '(', ':', '\u00e9', '\u0000'),
);
const valueChars = weird(
  fc.constantFrom('a', 'B', '1', ' ', ',', ';'),
  fc.constantFrom('\t', '"', '\u00e9', '\u007f', '\r', '\n', '\u0001'),
);
const header = fc.oneof(
  fc.tuple(
    fc.string({ unit: nameChars, minLength: 0, maxLength: 6 }),
    fc.string({ unit: valueChars, maxLength: 6 }),
  ),
  fc.tuple(
    fc.constantFrom('Content-Length', 'content-length', 'Transfer-Encoding', 'Connection', 'Host', 'Expect'),
    fc.constantFrom(
      '0',
      '3',
      ' 3 ',
      '+3',
      '3,3',
      '-1',
      'chunked',
      'close',
      'keep-alive',
      'x',
      '',
      '100-continue',
    ),
  ),
);
const requestLine = fc.tuple(
  weird(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), fc.constantFrom('G(T', 'post', 'FOO', 'PRI')),
  weird(
    fc.constantFrom('/', '/a/b?x=1', '/seldon/ns/m/api/v1.0/predictions'),
    fc.constantFrom('/a b', 'http://h/a', '*', '/\u00e9', '/a\u0001', '/a#f'),
  ),
  weird(fc.constantFrom('HTTP/1.1'), fc.constantFrom('HTTP/1.0', 'HTTP/1.1 ', 'HTTP/2.0', 'http/1.1')),
  weird(fc.constant(' '), fc.constant('  ')),
);

test('whatever the strict parser takes, node takes as the same request', async () => {
  let taken = 0;
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      requestLine,
      fc.array(header, { maxLength: 5 }),
      weird(fc.constant(true), fc.constant(false)),
      async (line, headers, host) => {
        const id = `c${n++}`;
        const lines = [`${line[0]}${line[3]}${line[1]}${line[3]}${line[2]}`];
        if (host) lines.push('Host: h');
        for (const [name, value] of headers) lines.push(`${name}:${value}`);
        lines.push(`X-Case: ${id}`);
        const head = lines.join('\r\n');
        const bytes = Buffer.from(`${head}\r\n\r\n`, 'latin1');
        const ours = parseRequestHead(bytes, bytes.length);
        assert.notEqual(ours, INCOMPLETE, JSON.stringify(head));
        if (ours === undefined || ours === INCOMPLETE) return; // declined: node answers it, whatever it is
        taken++;
        const theirs = await nodeParse(id, head, ours.contentLength);
        assert.equal(theirs.status, 'ok', `node refused a head sdep took: ${JSON.stringify(head)}`);
        assert.equal(theirs.method, ours.method, JSON.stringify(head));
        assert.equal(theirs.url, ours.url, JSON.stringify(head));
        assert.deepEqual(theirs.headers, ours.headers, JSON.stringify(head));
      },
    ),
    { numRuns: 400, seed: 20261201 },
  );
  assert.ok(taken > 40, `the generator reached the accepted case (${taken} of 400)`);
});
