/** Diagnostic codes of the embedded controller (local/), shown by `sdep serve`, diag and `sdep status`. */
export const CODES = {
  SDEP_LOCAL_FILE_EMPTY:
    'warning: an input file reads empty (often a write caught half way); its last good deployments keep running until it has content again or is deleted',
  SDEP_LOCAL_CANNOT_RUN:
    'a graph node cannot run on this machine (an image with no command, an implementation with no built-in server); the deployment is left out',
  SDEP_LOCAL_UNITS_NOT_READY:
    'new units did not become ready in time; the new routes were swapped in anyway and answer 503 until they are',
  SDEP_LOCAL_RECONCILE_FAILED: 'applying the files failed unexpectedly; the running configuration stays',
} as const;
