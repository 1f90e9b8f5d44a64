/**
 * DeploymentSpec: a SeldonDeployment after parse → validate → default.
 * Typed, defaulted and treated as immutable by everything downstream
 * (ambassador/, k8s/, local/). Raw document shapes live in schema.ts.
 */

/** Where a resource came from, for diagnostics: file path and document index. */
export interface SourceRef {
  file: string;
  index: number;
}

export type Protocol = 'seldon' | 'tensorflow' | 'v2';
export type Transport = 'rest' | 'grpc';
export type NodeType = 'MODEL' | 'TRANSFORMER' | 'OUTPUT_TRANSFORMER' | 'ROUTER' | 'COMBINER';
export type EndpointType = 'REST' | 'GRPC';
export type ParameterType = 'INT' | 'FLOAT' | 'DOUBLE' | 'STRING' | 'BOOL' | 'JSON';

export interface Parameter {
  name: string;
  type: ParameterType;
  /** The value as written in the resource. */
  value: string;
  /** The value parsed as its declared type (number, string, boolean or JSON value). */
  parsed: unknown;
}

export interface NodeEndpoint {
  type: EndpointType;
  service_host?: string;
  service_port?: number;
  httpPort?: number;
  grpcPort?: number;
}

export interface GraphNode {
  name: string;
  type: NodeType;
  implementation?: string;
  modelUri?: string;
  endpoint: NodeEndpoint;
  parameters: Parameter[];
  children: GraphNode[];
  logger?: { url?: string; mode: 'request' | 'response' | 'all' };
  methods?: string[];
  envSecretRefName?: string;
  serviceAccountName?: string;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: ContainerPort[];
  workingDir?: string;
  resources?: Record<string, unknown>;
  /** Everything else on the container, kept for Kubernetes rendering. */
  extra?: Record<string, unknown>;
}

export interface ComponentSpec {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Container[]; extra?: Record<string, unknown> };
  replicas?: number;
  hpaSpec?: unknown;
}

export interface ExplainerSpec {
  type: string;
  modelUri?: string;
  containerSpec?: Container;
  endpoint?: NodeEndpoint;
  config?: Record<string, string>;
  replicas?: number;
}

export interface PredictorSpec {
  name: string;
  graph: GraphNode;
  componentSpecs: ComponentSpec[];
  /** Defaulted: predictor.replicas ?? spec.replicas ?? 1. */
  replicas: number;
  /** As written; undefined when unset (the compiler needs to know). */
  traffic?: number;
  shadow: boolean;
  /** Defaulted: labels.version = predictor name when absent. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  explainer?: ExplainerSpec;
  ssl?: { certSecretName?: string };
  svcOrchSpec?: Record<string, unknown>;
  engineResources?: Record<string, unknown>;
}

export interface DeploymentSpec {
  source: SourceRef;
  apiVersion: string;
  name: string;
  /** Defaulted to `default`. */
  namespace: string;
  uid?: string;
  labels: Record<string, string>;
  /** metadata.annotations overlaid with spec.annotations (spec wins), as Seldon reads them. */
  annotations: Record<string, string>;
  /** spec.name, when given. */
  specName?: string;
  protocol: Protocol;
  transport: Transport;
  replicas?: number;
  predictors: PredictorSpec[];
}

/** `<kind> <namespace>/<name>` with its source, used as Diagnostic.resource. */
export function resourceLabel(d: Pick<DeploymentSpec, 'name' | 'namespace' | 'source'>): string {
  return `${d.source.file}#${d.source.index} SeldonDeployment ${d.namespace}/${d.name}`;
}
