/**
 * Graph-node implementations sdep knows. Prepackaged servers load a model
 * from `modelUri`; built-ins are routers/combiners/models that need no model
 * and no container. One table, read by validation (here), the executor and
 * runtime/ (which built-in to start) and k8s/ (which image to render).
 */
import type { NodeType, Protocol } from './deployment-spec.js';

export interface ImplementationInfo {
  kind: 'prepackaged' | 'builtin';
  /** The node type the implementation implies. */
  type: NodeType;
  /** Protocols a prepackaged server speaks; built-ins speak every protocol the executor does. */
  protocols: readonly Protocol[];
  description: string;
}

const ALL: readonly Protocol[] = ['seldon', 'tensorflow', 'v2'];

export const KNOWN_IMPLEMENTATIONS: Readonly<Record<string, ImplementationInfo>> = {
  SKLEARN_SERVER: {
    kind: 'prepackaged',
    type: 'MODEL',
    protocols: ['seldon', 'v2'],
    description: 'scikit-learn model server',
  },
  XGBOOST_SERVER: {
    kind: 'prepackaged',
    type: 'MODEL',
    protocols: ['seldon', 'v2'],
    description: 'XGBoost model server',
  },
  TENSORFLOW_SERVER: {
    kind: 'prepackaged',
    type: 'MODEL',
    protocols: ['seldon', 'tensorflow'],
    description: 'TensorFlow Serving',
  },
  MLFLOW_SERVER: {
    kind: 'prepackaged',
    type: 'MODEL',
    protocols: ['seldon', 'v2'],
    description: 'MLflow model server',
  },
  TRITON_SERVER: { kind: 'prepackaged', type: 'MODEL', protocols: ['v2'], description: 'NVIDIA Triton' },
  HUGGINGFACE_SERVER: {
    kind: 'prepackaged',
    type: 'MODEL',
    protocols: ['seldon', 'v2'],
    description: 'Hugging Face model server',
  },
  ONNX_SERVER: {
    kind: 'prepackaged',
    type: 'MODEL',
    protocols: ['seldon', 'v2'],
    description: 'ONNX model served in process by onnxruntime-node (sdep)',
  },
  SIMPLE_MODEL: { kind: 'builtin', type: 'MODEL', protocols: ALL, description: 'returns a fixed prediction' },
  MOCK_CLASSIFIER: {
    kind: 'builtin',
    type: 'MODEL',
    protocols: ALL,
    description: "the seed's seldonio/mock_classifier, run in process (sdep)",
  },
  SIMPLE_ROUTER: { kind: 'builtin', type: 'ROUTER', protocols: ALL, description: 'always routes to child 0' },
  RANDOM_ABTEST: {
    kind: 'builtin',
    type: 'ROUTER',
    protocols: ALL,
    description: 'routes to child 0 with probability ratioA, else child 1',
  },
  EPSILON_GREEDY: {
    kind: 'builtin',
    type: 'ROUTER',
    protocols: ALL,
    description: 'multi-armed bandit router learning from feedback (sdep)',
  },
  AVERAGE_COMBINER: {
    kind: 'builtin',
    type: 'COMBINER',
    protocols: ALL,
    description: "averages its children's outputs",
  },
};

/** Seldon's literal for "no implementation". */
export const UNKNOWN_IMPLEMENTATION = 'UNKNOWN_IMPLEMENTATION';

export function implementationInfo(name: string | undefined): ImplementationInfo | undefined {
  if (name === undefined || !Object.hasOwn(KNOWN_IMPLEMENTATIONS, name)) return undefined;
  return KNOWN_IMPLEMENTATIONS[name];
}

export function isPrepackaged(name: string | undefined): boolean {
  return implementationInfo(name)?.kind === 'prepackaged';
}

/** Implementation as sdep reads it: unset and Seldon's UNKNOWN_IMPLEMENTATION are both "none". */
export function effectiveImplementation(name: string | undefined): string | undefined {
  return name === undefined || name === '' || name === UNKNOWN_IMPLEMENTATION ? undefined : name;
}
