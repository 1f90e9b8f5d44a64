export { ANNOTATIONS } from './annotations.js';
export { CODES } from './codes.js';
export { type CompileOptions, type CompileResult, compileDeployment } from './compile.js';
export { type CompileAllResult, compileAll, type DeploymentCompilation } from './compile-all.js';
export {
  type LoadedMappings,
  loadMappings,
  type MappingDocument,
  parseMappingText,
} from './load-mappings.js';
export type * from './mapping.js';
export {
  explainerServiceName,
  GRPC_PORT,
  k8sName,
  predictorServiceName,
  REST_PORT,
  SERVICE_CONFIG_ANNOTATION,
} from './names.js';
export {
  RENDER_FORMATS,
  type RenderFormat,
  type RenderOptions,
  renderAmbassador,
  renderObjects,
} from './render.js';
export { type CrdFormat, mappingResource, tlsContextResource } from './render-crd.js';
export { v1AnnotationText } from './render-v1.js';
