export {
  BUILTIN_IMPLEMENTATIONS,
  type BuiltinImplementation,
  type BuiltinOptions,
  createBuiltinComponent,
  isBuiltinImplementation,
  loadBuiltinComponent,
} from './builtin-components.js';
export { CODES as RUNTIME_CODES, type RuntimeCode } from './codes.js';
export type { Component, ComponentFactory, ComponentParameters, Payload } from './component.js';
export {
  type ComponentGrpcOptions,
  type ComponentGrpcServer,
  createComponentGrpcServer,
} from './component-grpc.js';
export { ComponentMetrics } from './component-metrics.js';
export {
  type ComponentServer,
  type ComponentServerOptions,
  createComponentServer,
} from './component-server.js';
export { EpsilonGreedy } from './epsilon-greedy.js';
export {
  componentMetadata,
  type InvokeContext,
  invokeAggregate,
  invokeHealthStatus,
  invokePredict,
  invokeRoute,
  invokeSendFeedback,
  invokeTransformInput,
  invokeTransformOutput,
} from './invoke-component.js';
export { loadComponentModule } from './load-component-module.js';
export { isMockClassifierImage, MOCK_CLASSIFIER_THRESHOLD, MockClassifier } from './mock-classifier.js';
export { OnnxServer, type OnnxServerOptions } from './onnx-server.js';
export { RandomABTest, type RouterOptions } from './random-abtest.js';
export { type RandomSource, seededRandom } from './random-source.js';
export { responseMeta } from './response-meta.js';
export { runtimeError } from './runtime-error.js';
export type { UnitIdentity } from './unit-identity.js';
export { parseUnitParameters } from './unit-parameters.js';
