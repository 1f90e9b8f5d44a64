export type { Diagnostic, Severity } from './diagnostic.js';
export { fieldPath, formatDiagnostic, hasErrors, isError } from './diagnostic.js';
export type { EnvoyFlag, SdepErrorOptions } from './sdep-error.js';
export { isSdepError, SdepError } from './sdep-error.js';
