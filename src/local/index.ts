/** local/: the embedded controller behind `sdep serve`: files → units → supervised processes. */

export { type OrphanReaper, startOrphanReaper } from '../core/orphan-reaper.js';
export { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
export { CODES as LOCAL_CODES } from './codes.js';
export {
  Controller,
  type ControllerEvent,
  type ControllerOptions,
  type ControllerState,
  type LoadResult,
  type Pipeline,
} from './controller.js';
export { desiredUnits, type ServiceNaming } from './desired-units.js';
export { EmbeddedResolver, normalizeService } from './embedded-resolver.js';
export { type InputWatcher, watchInputs } from './input-watcher.js';
export { mergeLastGood } from './last-good.js';
export { type Plan, planChanges, type RunningInstance } from './plan-changes.js';
export {
  buildStatusDocument,
  type DeploymentStatus,
  type PredictorStatus,
  type RouteStatus,
  type StatusDocument,
  type UnitStatus,
} from './status-document.js';
export {
  type InstanceStatus,
  Supervisor,
  type SupervisorEvent,
  type SupervisorOptions,
} from './supervisor.js';
export { instanceKey, type Unit, type UnitService } from './unit.js';
export type { LaunchCommand, UnitPorts } from './unit-process.js';
