/** Diagnostic codes of ambassador/: Seldon annotations → Mappings, custom and hand-written Mappings. */
export const CODES = {
  SDEP_AMB_ANNOTATION_INTEGER:
    'an annotation that must be a non-negative integer (timeouts, retries, circuit breakers) is not one',
  SDEP_AMB_HEADER_FORMAT:
    'seldon.io/ambassador-header or seldon.io/ambassador-regex-header is not `name`, `name:value` or `n1:v1:n2:v2`',
  SDEP_AMB_HEADER_REGEX: 'a regex in seldon.io/ambassador-regex-header does not compile',
  SDEP_AMB_CONFIG_YAML: 'seldon.io/ambassador-config is not valid YAML',
  SDEP_AMB_CONFIG_EMPTY: 'seldon.io/ambassador-config holds no Mapping document',
  SDEP_AMB_CONFIG_OVERRIDES:
    'warning: seldon.io/ambassador-config replaces the generated Mappings, so this other ambassador annotation has no effect',
  SDEP_AMB_SERVICE_CONFLICT: 'two deployments generate the same backend service name',
  SDEP_MAPPING_YAML: 'Mapping text (a file or a getambassador.io/config annotation) is not valid YAML',
  SDEP_MAPPING_NOT_OBJECT: 'a Mapping document is not a YAML mapping (object)',
  SDEP_MAPPING_API_VERSION: 'a Mapping has an apiVersion sdep does not read',
  SDEP_MAPPING_KIND: 'a document in Mapping text is not a Mapping or TLSContext',
  SDEP_MAPPING_KIND_IGNORED:
    'warning: an Ambassador resource other than Mapping/TLSContext (Host, Module, ...) was ignored',
  SDEP_MAPPING_UNKNOWN_FIELD:
    'a Mapping or TLSContext has a field Ambassador does not define (a typo such as `prefx`)',
  SDEP_MAPPING_FIELD_REQUIRED: 'a Mapping lacks a required field (name, prefix, service)',
  SDEP_MAPPING_FIELD_TYPE: 'a Mapping field has the wrong type',
  SDEP_MAPPING_FIELD_VALUE: 'a Mapping field value is out of range or not one of the allowed values',
  SDEP_MAPPING_FIELD_UNSUPPORTED:
    'warning: a valid Ambassador field the embedded gateway does not implement; kept for render, ignored when routing',
  SDEP_MAPPING_DUPLICATE_NAME:
    'two Mappings (or two TLSContexts) have the same name in one namespace; the later is left out',
} as const;

export type AmbassadorCode = keyof typeof CODES;
