/** Diagnostic codes of api/: reading resource files, schema and semantic validation of SeldonDeployments. */
export const CODES = {
  SDEP_YAML_SYNTAX: 'a resource file is not valid YAML or JSON (file, document index and line:col given)',
  SDEP_YAML_ALIASES: 'a YAML document expands too many aliases (alias bomb) and was refused',
  SDEP_DOCUMENT_TOO_DEEP:
    'a document nests too deeply, is too large, or refers to itself through a YAML alias',
  SDEP_FILE_UNREADABLE:
    'a path given as input cannot be read (missing, no permission); see unreadableDiagnostic()',
  SDEP_FILE_TOO_LARGE: 'a resource file is larger than the size cap and was not parsed',
  SDEP_NOT_A_RESOURCE: 'a document has no apiVersion/kind (not a Kubernetes-style resource) and was skipped',
  SDEP_API_VERSION:
    'a SeldonDeployment has an apiVersion other than machinelearning.seldon.io/v1, v1alpha2 or v1alpha3 (or none)',
  SDEP_DUPLICATE_DEPLOYMENT: 'two SeldonDeployments share a namespace/name; the later one is ignored',
  SDEP_KIND:
    'the document given to parseDeployment is not a SeldonDeployment (or a machinelearning.seldon.io document has another kind)',
  SDEP_FIELD_REQUIRED: 'a required field is missing',
  SDEP_FIELD_TYPE: 'a field has the wrong type (e.g. a string where a number is expected)',
  SDEP_FIELD_VALUE: 'a field value is outside its allowed values (enum, minimum, pattern)',
  SDEP_UNKNOWN_FIELD: 'warning: a field sdep does not know; it is ignored',
  SDEP_METADATA_NAME: 'metadata.name or metadata.namespace is not a DNS-1123 label',
  SDEP_PREDICTOR_NAME: 'a predictor name is not a DNS-1123 label',
  SDEP_NO_PREDICTORS: 'spec.predictors is empty',
  SDEP_DUPLICATE_PREDICTOR: 'two predictors have the same name',
  SDEP_MULTIPLE_SHADOWS: 'more than one predictor is a shadow',
  SDEP_SHADOW_ONLY: 'the only predictors are shadows: nothing serves the responses',
  SDEP_TRAFFIC_RANGE: 'a predictor traffic is outside 0-100',
  SDEP_TRAFFIC_SUM: 'the traffic of two or more non-shadow predictors does not sum to 100',
  SDEP_TRAFFIC_SINGLE: 'a lone non-shadow predictor has traffic other than unset, 0 or 100',
  SDEP_DUPLICATE_SVC_NAME: 'two predictors ask for the same service name (seldon.io/svc-name)',
  SDEP_NO_ENGINE_MULTI_NODE: 'seldon.io/no-engine is set on a predictor whose graph has more than one node',
  SDEP_MISSING_CONTAINER:
    'a graph node has no container of the same name, no built-in implementation and no endpoint.service_host',
  SDEP_DUPLICATE_CONTAINER: 'two containers of one predictor have the same name',
  SDEP_UNKNOWN_IMPLEMENTATION: 'a graph node names an implementation sdep does not know',
  SDEP_MODEL_URI_REQUIRED: 'a prepackaged model server node has no modelUri',
  SDEP_PROTOCOL_UNSUPPORTED: 'a prepackaged model server does not speak the deployment protocol',
  SDEP_NODE_TYPE_CONFLICT:
    'a node type contradicts its implementation (e.g. a prepackaged server that is not a MODEL)',
  SDEP_ENDPOINT_TYPES_MIXED: 'a graph mixes REST and GRPC endpoint types',
  SDEP_TRANSPORT_MISMATCH: 'a graph endpoint type contradicts spec.transport',
  SDEP_LOGGER_MODE: 'a graph node logger has no mode (request, response or all)',
  SDEP_DUPLICATE_NODE: 'two nodes of one graph have the same name',
  SDEP_PARAMETER_VALUE: 'a graph parameter value does not parse as its declared type',
  SDEP_ANNOTATION_NOT_INTEGER: 'an annotation with a numeric meaning is not a non-negative integer',
} as const;

export type ApiCode = keyof typeof CODES;
