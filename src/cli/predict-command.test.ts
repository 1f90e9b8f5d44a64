import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatusDocument } from '../local/index.js';
import { parseHeaders, predictUrl, SEED_REQUEST } from './predict-command.js';
import { formatStatus } from './status-command.js';

test('predictUrl builds the single-namespace and namespaced URLs', () => {
  const opts = { gateway: 'http://127.0.0.1:8003/', path: '/api/v1.0/predictions' };
  assert.equal(predictUrl('mymodel', opts), 'http://127.0.0.1:8003/seldon/mymodel/api/v1.0/predictions');
  assert.equal(
    predictUrl('mymodel', { ...opts, namespace: 'seldon', path: 'api/v1.0/feedback' }),
    'http://127.0.0.1:8003/seldon/seldon/mymodel/api/v1.0/feedback',
  );
  assert.deepEqual(JSON.parse(SEED_REQUEST).data.tensor, { shape: [2, 2], values: [0, 0, 1, 1] });
});

test('parseHeaders reads "name: value" and rejects a bare name', () => {
  assert.deepEqual(parseHeaders(['Location: london', 'x-a:b:c']), { location: 'london', 'x-a': 'b:c' });
  assert.throws(() => parseHeaders(['location']), /not "name: value"/);
});

test('formatStatus shows predictors with traffic, units, routes with weights and shadows, diagnostics', () => {
  const doc: StatusDocument = {
    generation: 2,
    servingGeneration: 2,
    reconciling: false,
    ambassadorId: 'default',
    urls: {},
    keptFiles: ['a.yaml'],
    diagnostics: [{ code: 'SDEP_X', severity: 'error', resource: 'a.yaml#0', path: 'spec', message: 'bad' }],
    deployments: [
      {
        namespace: 'default',
        name: 'example',
        file: 'a.yaml',
        predictors: [
          {
            name: 'main',
            traffic: 75,
            shadow: false,
            replicas: 1,
            readyReplicas: 1,
            routed: true,
            services: [],
            clusters: [],
            units: [
              {
                id: 'default/example/main/0',
                hash: 'h',
                replica: 0,
                state: 'ready',
                ready: true,
                current: true,
                pid: 42,
                http: 1234,
                grpc: 1235,
                restarts: 2,
                lastExit: null,
              },
            ],
          },
          {
            name: 'shadow',
            traffic: null,
            shadow: true,
            replicas: 1,
            readyReplicas: 0,
            routed: true,
            services: [],
            clusters: [],
            units: [],
          },
        ],
      },
    ],
    routes: [
      {
        id: 'r',
        prefix: '/seldon/example/',
        regex: false,
        method: null,
        headers: ['location=london'],
        precedence: 0,
        grpc: false,
        targets: [
          { mapping: 'm1', cluster: 'c1', service: 'example-main.default:8000', weight: 75 },
          { mapping: 'm2', cluster: 'c2', service: 'example-canary.default:8000', weight: 25 },
        ],
        unroutedPercent: 0,
        mirror: { mapping: 'm3', cluster: 'c3', service: 'example-shadow.default:8000', percent: 100 },
      },
    ],
  };
  const text = formatStatus(doc);
  assert.match(text, /default\/example\s+main\s+75%\s+1\/1\s+0\s+ready\s+42\s+1234\s+1235\s+2/);
  assert.match(text, /shadow\s+shadow\s+0\/1\s+-\s+none/);
  assert.match(
    text,
    /\/seldon\/example\/ \[location=london\]\s+example-main.default:8000 75%, example-canary.default:8000 25%\s+example-shadow.default:8000 100%/,
  );
  assert.match(text, /error: a.yaml#0: spec: bad \[SDEP_X\]/);
  assert.match(text, /last good version of: a.yaml/);
});
