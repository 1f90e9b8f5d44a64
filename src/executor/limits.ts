/** Default limits of a unit (kept apart so the CLI can show them without loading the engine). */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const DEFAULT_COMPONENT_TIMEOUT_MS = 30_000;
