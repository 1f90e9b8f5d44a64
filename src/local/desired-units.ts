/**
 * DeploymentSpecs → the units that should run: one per predictor replica.
 * Pure. The backend service names come from the compiler (injected), so a
 * Mapping's `service` and a unit's services always agree.
 */
import type { DeploymentSpec, PredictorSpec } from '../api/deployment-spec.js';
import { stableHash } from './stable-hash.js';
import type { Unit } from './unit.js';
import { unitResource } from './unit-resource.js';

export interface ServiceNaming {
  /** Backend service name of a predictor, `<deployment>-<predictor>` (shortened when long). */
  serviceName(d: DeploymentSpec, p: PredictorSpec): string;
  restPort: number;
  grpcPort: number;
}

export function desiredUnits(specs: readonly DeploymentSpec[], naming: ServiceNaming): Unit[] {
  const units: Unit[] = [];
  for (const d of specs) {
    for (const p of d.predictors) {
      const resource = unitResource(d, p);
      const hash = stableHash(resource);
      const svc = `${naming.serviceName(d, p)}.${d.namespace}`;
      const services = [
        { service: `${svc}:${naming.restPort}`, port: 'http' as const },
        { service: `${svc}:${naming.grpcPort}`, port: 'grpc' as const },
      ];
      const replicas = Math.max(0, Math.floor(p.replicas));
      for (let r = 0; r < replicas; r++) {
        units.push({
          id: `${d.namespace}/${d.name}/${p.name}/${r}`,
          namespace: d.namespace,
          deployment: d.name,
          predictor: p.name,
          replica: r,
          hash,
          services,
          resource,
          sourceFile: d.source.file,
        });
      }
    }
  }
  return units;
}
