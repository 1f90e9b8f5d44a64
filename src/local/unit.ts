/**
 * A unit: one replica of one predictor, run as one `sdep unit` process.
 * Desired units are computed purely from DeploymentSpecs (desired-units.ts);
 * the supervisor turns them into processes.
 */
import type { DeploymentSpec } from '../api/deployment-spec.js';

/** A Mapping `service` this unit backs, and which of its ports serves it. */
export interface UnitService {
  /** `<svc>.<ns>:8000` (REST) or `<svc>.<ns>:5001` (gRPC), as the compiler writes it. */
  service: string;
  port: 'http' | 'grpc';
}

export interface Unit {
  /** `<ns>/<deployment>/<predictor>/<replica>`: stable across spec changes. */
  id: string;
  namespace: string;
  deployment: string;
  predictor: string;
  replica: number;
  /** Content hash of what the unit runs; a changed hash means new processes (rolling). */
  hash: string;
  services: UnitService[];
  /** The deployment reduced to this predictor, as handed to the unit process. */
  resource: Record<string, unknown>;
  /** The file the deployment came from: relative modelUri and container paths resolve from its folder. */
  sourceFile: string;
}

/** Running instance key: the same id with a new hash is a different instance. */
export function instanceKey(u: Pick<Unit, 'id' | 'hash'>): string {
  return `${u.id}@${u.hash}`;
}

export function predictorKey(u: Pick<Unit, 'namespace' | 'deployment' | 'predictor'>): string {
  return `${u.namespace}/${u.deployment}/${u.predictor}`;
}

export type { DeploymentSpec };
