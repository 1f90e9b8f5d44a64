/** Run-time error codes raised by the protocol codecs (all are client faults: HTTP 400/413/415). */
export const CODES = {
  SDEP_BAD_JSON: 'the request body is not valid JSON (or a form body without a json/data field)',
  SDEP_BAD_SELDON_MESSAGE:
    'the body is not a valid SeldonMessage (the message names the field and the reason)',
  SDEP_BAD_FEEDBACK: 'the body is not a valid Feedback {request, response, reward, truth}',
  SDEP_BAD_V2_REQUEST: 'the body is not a valid V2 (open inference) request: inputs, shape, datatype, data',
  SDEP_BAD_COMPONENT_OUTPUT: 'a component returned a payload that no SeldonMessage field can hold (HTTP 500)',
  SDEP_UNSUPPORTED_MEDIA_TYPE: 'the request Content-Type is neither JSON nor a form',
} as const;

export type ProtocolCode = keyof typeof CODES;
