/** Diagnostic and error codes of the embedded controller (local/). */
export const CODES = {
  SDEP_UNIT_SPAWN_FAILED: 'a unit process could not be started (the sdep binary or its runtime is missing)',
  SDEP_UNIT_EXITED: 'a unit process exited; it is restarted with exponential back-off (1s to 30s)',
  SDEP_UNIT_NOT_READY: 'a unit did not report /ready in time; traffic keeps going to the previous units',
  SDEP_INPUT_UNREADABLE: 'an input file or directory given to `sdep serve` cannot be read',
} as const;
