/** Run-time error codes raised by the graph engine and the predictor unit. */
export const CODES = {
  SDEP_UNIT_BAD_REQUEST:
    'the request to a unit is malformed (bad JSON, wrong content type, bad SeldonMessage)',
  SDEP_UNIT_BODY_TOO_LARGE: 'the request body is larger than the unit accepts (--max-body-bytes)',
  SDEP_UNIT_NOT_FOUND: 'no such endpoint on the unit',
  SDEP_UNIT_METHOD_NOT_ALLOWED: 'the endpoint exists but not for this HTTP method',
  SDEP_UNIT_NOT_READY: 'the unit is still loading its components',
  SDEP_V2_MODEL_NOT_FOUND: 'a V2 request names a model the unit does not serve',
  SDEP_GRAPH_ROUTE_OUT_OF_RANGE: 'a router returned a child index outside its children',
  SDEP_GRAPH_BAD_ROUTE: 'a router returned something that is not an integer child index',
  SDEP_COMPONENT_ERROR: 'a component threw or failed while handling a request',
  SDEP_COMPONENT_UNAVAILABLE: 'a remote component could not be reached',
  SDEP_COMPONENT_TIMEOUT: 'a component did not answer within the per-call timeout',
  SDEP_COMPONENT_REPLY: 'a remote component answered with a non-200 status (passed through)',
  SDEP_COMPONENT_METHOD_MISSING: 'a component does not implement the method its graph node needs',
  SDEP_CONTAINER_NOT_RUNNABLE: 'a container has no command and an image sdep cannot run locally',
  SDEP_CONTAINER_START_FAILED: 'a container process exited or never answered /health/ping',
  SDEP_UNIT_PREDICTOR_NOT_FOUND: 'the deployment has no predictor of the requested name',
  SDEP_PATH_OUTSIDE_ROOTS:
    'a modelUri, container working directory or command path lies outside the allowed roots (--model-root)',
} as const;

export type ExecutorCode = keyof typeof CODES;
