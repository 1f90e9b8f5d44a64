/**
 * The SeldonDeployment document a predictor's executor container loads
 * (mounted from a ConfigMap): the deployment reduced to that predictor, as
 * the embedded controller hands it to `sdep unit`, with each container-
 * backed node's endpoint pointing at its container on localhost (what Seldon
 * Core's operator writes into the graph it gives its executor). Pure.
 */
import type { DeploymentSpec, PredictorSpec } from '../api/deployment-spec.js';
import { unitResource } from '../local/unit-resource.js';
import { componentPorts } from './component-ports.js';

type Doc = Record<string, unknown>;

function withEndpoints(graph: Doc, ports: ReturnType<typeof componentPorts>): Doc {
  const cp = ports.get(String(graph.name));
  const children = Array.isArray(graph.children) ? (graph.children as Doc[]) : [];
  const out: Doc = { ...graph, children: children.map((c) => withEndpoints(c, ports)) };
  if (cp) {
    const endpoint = (graph.endpoint ?? {}) as Doc;
    const type = endpoint.type === 'GRPC' ? 'GRPC' : 'REST';
    out.endpoint = {
      ...endpoint,
      type,
      service_host: 'localhost',
      service_port: type === 'GRPC' ? cp.grpc : cp.http,
      httpPort: cp.http,
      grpcPort: cp.grpc,
    };
  }
  return out;
}

export function unitDocument(d: DeploymentSpec, p: PredictorSpec): Doc {
  const doc = unitResource(d, p);
  const spec = doc.spec as Doc;
  const predictors = spec.predictors as Doc[];
  const ports = componentPorts(p);
  return {
    ...doc,
    spec: {
      ...spec,
      predictors: predictors.map((pr) => ({ ...pr, graph: withEndpoints(pr.graph as Doc, ports) })),
    },
  };
}
