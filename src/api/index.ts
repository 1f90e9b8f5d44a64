/** api/: SeldonDeployment documents → validated, defaulted DeploymentSpecs (and diagnostics). */
export { CODES as API_CODES } from './codes.js';
export type { OpenApiSchema } from './crd-schema.js';
export { DEFAULT_GRAPH_DEPTH, seldonDeploymentOpenApiSchema } from './crd-schema.js';
export type {
  ComponentSpec,
  Container,
  ContainerPort,
  DeploymentSpec,
  EndpointType,
  EnvVar,
  ExplainerSpec,
  GraphNode,
  NodeEndpoint,
  NodeType,
  Parameter,
  ParameterType,
  PredictorSpec,
  Protocol,
  SourceRef,
  Transport,
} from './deployment-spec.js';
export { resourceLabel } from './deployment-spec.js';
export type { ImplementationInfo } from './known-implementations.js';
export {
  effectiveImplementation,
  implementationInfo,
  isPrepackaged,
  KNOWN_IMPLEMENTATIONS,
} from './known-implementations.js';
export type { LoadResult } from './load-deployments.js';
export {
  deploymentsFromDocuments,
  isSeldonDeployment,
  loadDeployments,
  parseDeploymentText,
} from './load-deployments.js';
export { parseParameterValue } from './parameter-value.js';
export type { ParseResult } from './parse-deployment.js';
export { labelFor, parseDeployment, SELDON_API_VERSIONS, SELDON_KIND } from './parse-deployment.js';
export type { ReadOptions, ReadResult, Unreadable } from './resource-files.js';
export { DEFAULT_MAX_FILE_BYTES, readResourceFiles, unreadableDiagnostic } from './resource-files.js';
export type { ParsedText, ResourceDocument, TextOptions } from './resource-text.js';
export { DEFAULT_MAX_ALIAS_COUNT, parseResourceText } from './resource-text.js';
export type { RawSeldonDeployment } from './schema.js';
export { SeldonDeploymentSchema } from './schema.js';
export { NO_ENGINE_ANNOTATION } from './validate-graph.js';
export { SVC_NAME_ANNOTATION } from './validate-predictors.js';
