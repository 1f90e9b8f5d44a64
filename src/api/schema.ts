/**
 * The raw SeldonDeployment document shape (v1, v1alpha2, v1alpha3 share it),
 * written once with TypeBox: ajv checks documents against it and k8s/ can
 * reuse it for the CRD's openAPIV3Schema.
 *
 * Objects marked `additionalProperties: true` are open on purpose (Kubernetes
 * metadata, pod specs, containers, resources): their extras are kept, not
 * warned about. Every other object is closed for warnings only — an unknown
 * field there is SDEP_UNKNOWN_FIELD (a warning), never an error.
 * Value checks that need a field path and a reason of their own (traffic
 * range, logger mode, parameter values, names) are semantic, in validate-*.ts.
 */
import { type Static, Type } from '@sinclair/typebox';

const open = { additionalProperties: true } as const;

export const StringMap = Type.Record(Type.String(), Type.String());

export const PROTOCOLS = ['seldon', 'tensorflow', 'v2', 'kfserving'] as const;
export const TRANSPORTS = ['rest', 'grpc'] as const;
export const NODE_TYPES = [
  'MODEL',
  'TRANSFORMER',
  'OUTPUT_TRANSFORMER',
  'ROUTER',
  'COMBINER',
  'UNKNOWN_TYPE',
] as const;
export const NODE_METHODS = [
  'TRANSFORM_INPUT',
  'TRANSFORM_OUTPUT',
  'ROUTE',
  'AGGREGATE',
  'SEND_FEEDBACK',
] as const;
export const ENDPOINT_TYPES = ['REST', 'GRPC'] as const;
export const PARAMETER_TYPES = ['INT', 'FLOAT', 'DOUBLE', 'STRING', 'BOOL', 'JSON'] as const;
export const LOGGER_MODES = ['request', 'response', 'all'] as const;

function oneOf<T extends readonly string[]>(values: T) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
}

const Integer = (min?: number) => (min === undefined ? Type.Integer() : Type.Integer({ minimum: min }));

export const EndpointSchema = Type.Object({
  type: Type.Optional(oneOf(ENDPOINT_TYPES)),
  service_host: Type.Optional(Type.String()),
  service_port: Type.Optional(Integer(0)),
  httpPort: Type.Optional(Integer(0)),
  grpcPort: Type.Optional(Integer(0)),
});

export const ParameterSchema = Type.Object({
  name: Type.String(),
  value: Type.String(),
  type: oneOf(PARAMETER_TYPES),
});

export const LoggerSchema = Type.Object({
  url: Type.Optional(Type.String()),
  mode: Type.Optional(oneOf(LOGGER_MODES)),
});

export const GraphNodeSchema = Type.Recursive(
  (Node) =>
    Type.Object({
      name: Type.String(),
      type: Type.Optional(oneOf(NODE_TYPES)),
      implementation: Type.Optional(Type.String()),
      methods: Type.Optional(Type.Array(oneOf(NODE_METHODS))),
      modelUri: Type.Optional(Type.String()),
      endpoint: Type.Optional(EndpointSchema),
      parameters: Type.Optional(Type.Array(ParameterSchema)),
      children: Type.Optional(Type.Array(Node)),
      logger: Type.Optional(LoggerSchema),
      envSecretRefName: Type.Optional(Type.String()),
      serviceAccountName: Type.Optional(Type.String()),
      storageInitializerImage: Type.Optional(Type.String()),
    }),
  { $id: 'SeldonGraphNode' },
);

export const EnvVarSchema = Type.Object(
  { name: Type.String(), value: Type.Optional(Type.String()), valueFrom: Type.Optional(Type.Unknown()) },
  open,
);

export const ContainerPortSchema = Type.Object(
  {
    name: Type.Optional(Type.String()),
    containerPort: Integer(0),
    protocol: Type.Optional(Type.String()),
  },
  open,
);

export const ContainerSchema = Type.Object(
  {
    name: Type.String(),
    image: Type.Optional(Type.String()),
    command: Type.Optional(Type.Array(Type.String())),
    args: Type.Optional(Type.Array(Type.String())),
    env: Type.Optional(Type.Array(EnvVarSchema)),
    ports: Type.Optional(Type.Array(ContainerPortSchema)),
    workingDir: Type.Optional(Type.String()),
    resources: Type.Optional(Type.Object({}, open)),
  },
  open,
);

export const PodSpecSchema = Type.Object({ containers: Type.Array(ContainerSchema) }, open);

export const ComponentSpecSchema = Type.Object({
  metadata: Type.Optional(
    Type.Object(
      {
        name: Type.Optional(Type.String()),
        labels: Type.Optional(StringMap),
        annotations: Type.Optional(StringMap),
      },
      open,
    ),
  ),
  spec: PodSpecSchema,
  replicas: Type.Optional(Integer(0)),
  hpaSpec: Type.Optional(Type.Object({}, open)),
  kedaSpec: Type.Optional(Type.Object({}, open)),
  pdbSpec: Type.Optional(Type.Object({}, open)),
});

export const ExplainerSchema = Type.Object({
  type: Type.Optional(Type.String()),
  modelUri: Type.Optional(Type.String()),
  containerSpec: Type.Optional(ContainerSchema),
  endpoint: Type.Optional(EndpointSchema),
  config: Type.Optional(StringMap),
  replicas: Type.Optional(Integer(0)),
  envSecretRefName: Type.Optional(Type.String()),
  serviceAccountName: Type.Optional(Type.String()),
  storageInitializerImage: Type.Optional(Type.String()),
});

export const PredictorSchema = Type.Object({
  name: Type.String(),
  graph: GraphNodeSchema,
  componentSpecs: Type.Optional(Type.Array(ComponentSpecSchema)),
  replicas: Type.Optional(Integer(0)),
  traffic: Type.Optional(Type.Integer()),
  shadow: Type.Optional(Type.Boolean()),
  labels: Type.Optional(StringMap),
  annotations: Type.Optional(StringMap),
  explainer: Type.Optional(ExplainerSchema),
  ssl: Type.Optional(Type.Object({ certSecretName: Type.Optional(Type.String()) })),
  svcOrchSpec: Type.Optional(Type.Object({}, open)),
  engineResources: Type.Optional(Type.Object({}, open)),
  progressDeadlineSeconds: Type.Optional(Integer(0)),
});

export const SeldonDeploymentSpecSchema = Type.Object({
  name: Type.Optional(Type.String()),
  annotations: Type.Optional(StringMap),
  protocol: Type.Optional(oneOf(PROTOCOLS)),
  transport: Type.Optional(oneOf(TRANSPORTS)),
  replicas: Type.Optional(Integer(0)),
  serverType: Type.Optional(Type.String()),
  oauth_key: Type.Optional(Type.String()),
  oauth_secret: Type.Optional(Type.String()),
  predictors: Type.Array(PredictorSchema),
});

export const SeldonDeploymentSchema = Type.Object({
  apiVersion: Type.String(),
  kind: Type.String(),
  metadata: Type.Object(
    {
      name: Type.String(),
      namespace: Type.Optional(Type.String()),
      uid: Type.Optional(Type.String()),
      labels: Type.Optional(StringMap),
      annotations: Type.Optional(StringMap),
    },
    open,
  ),
  spec: SeldonDeploymentSpecSchema,
  status: Type.Optional(Type.Object({}, open)),
});

export type RawSeldonDeployment = Static<typeof SeldonDeploymentSchema>;
export type RawPredictor = Static<typeof PredictorSchema>;
export type RawGraphNode = Static<typeof GraphNodeSchema>;
export type RawContainer = Static<typeof ContainerSchema>;
export type RawComponentSpec = Static<typeof ComponentSpecSchema>;
export type RawExplainer = Static<typeof ExplainerSchema>;
export type RawEndpoint = Static<typeof EndpointSchema>;
