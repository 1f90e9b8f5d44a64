/**
 * The executor container of a predictor pod, as it runs there: `sdep unit`
 * loading the unit document from the ConfigMap. Its components are the
 * pod's other containers, so it must call them on localhost, even when the
 * image is one sdep could run in process (the seed's mock classifier).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { parseDeploymentText } from '../api/index.js';
import { parseDeployment } from '../api/parse-deployment.js';
import { startUnit } from '../executor/start-unit.js';
import { unitDocument } from './unit-document.js';

test('the executor calls the component container on localhost, not an in-process stand-in for its image', async () => {
  const seen: string[] = [];
  const component = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { names: ['from-container'], ndarray: [[7]] } }));
    });
  });
  await new Promise<void>((r) => component.listen(0, '127.0.0.1', r));
  const port = (component.address() as AddressInfo).port;
  const text = `apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: mock}
spec:
  predictors:
  - name: main
    graph: {name: classifier, type: MODEL, endpoint: {type: REST}, children: []}
    componentSpecs:
    - spec:
        containers:
        - name: classifier
          image: seldonio/mock_classifier:1.18.2
          ports: [{containerPort: ${port}}]
`;
  const [d] = parseDeploymentText(text, 'mock.yaml').specs;
  assert.ok(d);
  const [p] = d.predictors;
  assert.ok(p);
  // What the ConfigMap holds, parsed as `sdep unit --deployment /etc/sdep/deployment.json` parses it.
  const doc = parseDeployment(JSON.parse(JSON.stringify(unitDocument(d, p))), { file: 'cm', index: 0 });
  assert.ok(doc.spec, JSON.stringify(doc.diagnostics));
  const unit = await startUnit({ deployment: doc.spec, predictor: 'main', grpcPort: -1 });
  try {
    await unit.ready;
    const res = await fetch(`http://127.0.0.1:${unit.httpPort}/api/v1.0/predictions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { ndarray: [[1, 2]] } }),
    });
    const body = (await res.json()) as { data: { names: string[] } };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.deepEqual(body.data.names, ['from-container']);
    assert.ok(seen.includes('POST /predict'), seen.join(', '));
  } finally {
    await unit.close();
    component.closeAllConnections();
    await new Promise<void>((r) => component.close(() => r()));
  }
});
