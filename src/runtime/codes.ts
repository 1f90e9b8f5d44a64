/** Run-time error codes raised by components, the built-in servers and the component microservice. */
export const CODES = {
  SDEP_COMPONENT_EXCEPTION: 'a component method threw: HTTP 500 with its message',
  SDEP_COMPONENT_UNAVAILABLE: 'the component is not loaded or not reachable: HTTP 503',
  SDEP_COMPONENT_TIMEOUT: 'the component did not answer in time: HTTP 504',
  SDEP_METHOD_NOT_DEFINED:
    'the component does not implement the called method (e.g. "Route not defined"): HTTP 400',
  SDEP_BAD_PAYLOAD: 'the payload does not fit the model (e.g. the mock classifier needs 2-D input): HTTP 400',
  SDEP_BAD_PARAMETERS: 'component parameters are missing or of the wrong type',
  SDEP_MODULE_LOAD: 'a user component module could not be imported or has no usable export',
  SDEP_ONNX_MODEL: 'the ONNX model could not be found, loaded or run',
  SDEP_BODY_TOO_LARGE: 'the request body exceeds the microservice limit: HTTP 413',
  SDEP_NOT_FOUND: 'no microservice endpoint at this method and path: HTTP 404',
} as const;

export type RuntimeCode = keyof typeof CODES;
