/**
 * DeploymentSpec → the SeldonDeployment document a unit process loads:
 * the deployment with only the unit's predictor, one replica, and no
 * traffic/shadow (routing belongs to the gateway, and a lone predictor
 * with traffic 75 would not validate). Pure.
 */
import type {
  ComponentSpec,
  Container,
  DeploymentSpec,
  GraphNode,
  PredictorSpec,
} from '../api/deployment-spec.js';

type Doc = Record<string, unknown>;

/** Drops undefined values so the document (and its hash) is canonical. */
function compact(o: Doc): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

function rawContainer(c: Container): Doc {
  return compact({
    ...c.extra,
    name: c.name,
    image: c.image,
    command: c.command,
    args: c.args,
    env: c.env,
    ports: c.ports,
    workingDir: c.workingDir,
    resources: c.resources,
  });
}

function rawComponent(cs: ComponentSpec): Doc {
  return compact({
    metadata: cs.metadata,
    spec: { ...cs.spec.extra, containers: cs.spec.containers.map(rawContainer) },
    hpaSpec: cs.hpaSpec,
  });
}

function rawGraph(n: GraphNode): Doc {
  return compact({
    name: n.name,
    type: n.type,
    implementation: n.implementation,
    modelUri: n.modelUri,
    endpoint: compact({ ...n.endpoint }),
    parameters: n.parameters.length
      ? n.parameters.map((p) => ({ name: p.name, type: p.type, value: p.value }))
      : undefined,
    children: n.children.map(rawGraph),
    logger: n.logger,
    methods: n.methods,
    envSecretRefName: n.envSecretRefName,
    serviceAccountName: n.serviceAccountName,
  });
}

function rawPredictor(p: PredictorSpec): Doc {
  return compact({
    name: p.name,
    graph: rawGraph(p.graph),
    componentSpecs: p.componentSpecs.map(rawComponent),
    replicas: 1,
    labels: p.labels,
    annotations: Object.keys(p.annotations).length ? p.annotations : undefined,
    explainer: p.explainer,
    svcOrchSpec: p.svcOrchSpec,
    engineResources: p.engineResources,
  });
}

/** Annotations that only steer the gateway: they must not restart units. */
export function isRoutingAnnotation(key: string): boolean {
  return (
    key.startsWith('seldon.io/ambassador-') ||
    key === 'seldon.io/rest-timeout' ||
    key === 'seldon.io/grpc-timeout'
  );
}

export function unitResource(d: DeploymentSpec, p: PredictorSpec): Doc {
  const annotations: Record<string, string> = {};
  for (const k of Object.keys(d.annotations).sort()) {
    if (!isRoutingAnnotation(k)) annotations[k] = d.annotations[k] as string;
  }
  return {
    apiVersion: 'machinelearning.seldon.io/v1',
    kind: 'SeldonDeployment',
    metadata: compact({
      name: d.name,
      namespace: d.namespace,
      labels: Object.keys(d.labels).length ? d.labels : undefined,
      annotations: Object.keys(annotations).length ? annotations : undefined,
    }),
    spec: compact({
      name: d.specName,
      protocol: d.protocol,
      transport: d.transport,
      predictors: [rawPredictor(p)],
    }),
  };
}
