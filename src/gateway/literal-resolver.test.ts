import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLiteralResolver, parseServiceAddress } from './literal-resolver.js';

test('service addresses: host:port, schemes, default ports, IPv6', () => {
  assert.deepEqual(parseServiceAddress('127.0.0.1:9000'), { host: '127.0.0.1', port: 9000 });
  assert.deepEqual(parseServiceAddress('http://model:8000'), { host: 'model', port: 8000 });
  assert.deepEqual(parseServiceAddress('https://model'), { host: 'model', port: 443 });
  assert.deepEqual(parseServiceAddress('model'), { host: 'model', port: 80 });
  assert.deepEqual(parseServiceAddress('[::1]:81'), { host: '::1', port: 81 });
  assert.deepEqual(parseServiceAddress('http://m:1/ignored/path'), { host: 'm', port: 1 });
  assert.equal(parseServiceAddress('ftp://m:1'), undefined);
  assert.equal(parseServiceAddress('m:notaport'), undefined);
  assert.equal(parseServiceAddress('m:70000'), undefined);
  assert.equal(parseServiceAddress(''), undefined);
});

test('the literal resolver returns one endpoint, or none for a bad address', () => {
  const r = createLiteralResolver();
  assert.deepEqual(r.resolve('127.0.0.1:1234'), [{ host: '127.0.0.1', port: 1234 }]);
  assert.equal(r.resolve('127.0.0.1:1234'), r.resolve('127.0.0.1:1234'), 'stable array');
  assert.deepEqual(r.resolve('bad:port'), []);
  const off = r.onChange(() => {});
  off();
});
