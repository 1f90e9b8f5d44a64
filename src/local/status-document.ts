/**
 * The `GET /sdep/v1/status` document: deployments → predictors → units,
 * the routes being served, and diagnostics. Pure: built from the
 * controller's state and the supervisor's snapshot. Read by `sdep status`
 * and the dashboard.
 */
import type { DeploymentSpec } from '../api/deployment-spec.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { RouteTable } from '../routing/route-table.js';
import type { ServiceNaming } from './desired-units.js';
import { bareService } from './embedded-resolver.js';
import { isServiceRouted, routedServices } from './routed-units.js';
import type { InstanceStatus } from './supervisor.js';

export interface UnitStatus {
  id: string;
  hash: string;
  replica: number;
  state: InstanceStatus['state'];
  ready: boolean;
  /** false while an old instance still serves during a rolling update. */
  current: boolean;
  pid: number | null;
  http: number | null;
  grpc: number | null;
  restarts: number;
  lastExit: InstanceStatus['lastExit'];
}

export interface PredictorStatus {
  name: string;
  traffic: number | null;
  shadow: boolean;
  replicas: number;
  readyReplicas: number;
  /** False when no route of this ambassador_id reaches the predictor: it then runs no units. */
  routed: boolean;
  services: string[];
  /** Gateway clusters that send to this predictor (their metrics are its traffic). */
  clusters: string[];
  units: UnitStatus[];
}

export interface DeploymentStatus {
  namespace: string;
  name: string;
  file: string;
  predictors: PredictorStatus[];
}

export interface RouteTargetStatus {
  mapping: string;
  cluster: string;
  service: string;
  /** Share of requests, 0–100. */
  weight: number;
}

export interface RouteStatus {
  id: string;
  prefix: string;
  regex: boolean;
  method: string | null;
  headers: string[];
  precedence: number;
  grpc: boolean;
  targets: RouteTargetStatus[];
  unroutedPercent: number;
  mirror: { mapping: string; cluster: string; service: string; percent: number } | null;
}

export interface StatusDocument {
  generation: number;
  servingGeneration: number;
  reconciling: boolean;
  ambassadorId: string;
  urls: Record<string, string>;
  deployments: DeploymentStatus[];
  routes: RouteStatus[];
  diagnostics: Diagnostic[];
  /** Files with errors whose last good version keeps running. */
  keptFiles: string[];
}

export interface StatusInput {
  generation: number;
  servingGeneration: number;
  reconciling: boolean;
  ambassadorId: string;
  urls: Record<string, string>;
  specs: readonly DeploymentSpec[];
  table: RouteTable | undefined;
  diagnostics: readonly Diagnostic[];
  keptFiles: readonly string[];
  instances: readonly InstanceStatus[];
  naming: ServiceNaming;
  /** Content hash each unit id should run (the desired one). */
  desiredHash: ReadonlyMap<string, string>;
}

function routeStatus(table: RouteTable): RouteStatus[] {
  const serviceOf = (cluster: string) => table.clusters.get(cluster)?.service ?? '';
  return table.routes.map((r) => {
    let prev = 0;
    const targets = r.targets.map((t) => {
      const weight = Math.round((t.cumulative - prev) * 1000) / 1000;
      prev = t.cumulative;
      return { mapping: t.mapping, cluster: t.cluster, service: serviceOf(t.cluster), weight };
    });
    const headers = r.match.headers.map((h) =>
      h.kind === 'present'
        ? h.name
        : `${h.name}${h.kind === 'regex' ? '~' : '='}${h.value ?? h.regex?.source ?? ''}`,
    );
    return {
      id: r.id,
      prefix: r.match.regex ? r.match.regex.source : r.match.prefix,
      regex: r.match.regex !== undefined,
      method: r.match.method ?? null,
      headers,
      precedence: r.precedence,
      grpc: r.grpc,
      targets,
      unroutedPercent: r.unroutedPercent,
      mirror: r.mirror
        ? {
            mapping: r.mirror.mapping,
            cluster: r.mirror.cluster,
            service: serviceOf(r.mirror.cluster),
            percent: r.mirror.percent,
          }
        : null,
    };
  });
}

export function buildStatusDocument(input: StatusInput): StatusDocument {
  const byPredictor = new Map<string, InstanceStatus[]>();
  for (const i of input.instances) {
    const k = `${i.namespace}/${i.deployment}/${i.predictor}`;
    const list = byPredictor.get(k);
    if (list) list.push(i);
    else byPredictor.set(k, [i]);
  }
  const routed = input.table ? routedServices(input.table) : new Set<string>();
  const clustersByService = new Map<string, string[]>();
  for (const c of input.table?.clusters.values() ?? []) {
    const list = clustersByService.get(c.service);
    if (list) list.push(c.name);
    else clustersByService.set(c.service, [c.name]);
  }
  const deployments = input.specs.map((d) => ({
    namespace: d.namespace,
    name: d.name,
    file: d.source.file,
    predictors: d.predictors.map((p) => {
      const svc = `${input.naming.serviceName(d, p)}.${d.namespace}`;
      const services = [`${svc}:${input.naming.restPort}`, `${svc}:${input.naming.grpcPort}`];
      const units = (byPredictor.get(`${d.namespace}/${d.name}/${p.name}`) ?? []).map((i) => ({
        id: i.id,
        hash: i.hash,
        replica: i.replica,
        state: i.state,
        ready: i.ready,
        current: input.desiredHash.get(i.id) === i.hash,
        pid: i.pid,
        http: i.http,
        grpc: i.grpc,
        restarts: i.restarts,
        lastExit: i.lastExit,
      }));
      return {
        name: p.name,
        traffic: p.traffic ?? null,
        shadow: p.shadow,
        replicas: p.replicas,
        readyReplicas: units.filter((u) => u.ready && u.current).length,
        routed: services.some((x) => isServiceRouted(x, routed)),
        services,
        clusters: [
          ...new Set(
            services.flatMap((x) => [x, bareService(x) ?? x]).flatMap((x) => clustersByService.get(x) ?? []),
          ),
        ],
        units,
      };
    }),
  }));
  return {
    generation: input.generation,
    servingGeneration: input.servingGeneration,
    reconciling: input.reconciling,
    ambassadorId: input.ambassadorId,
    urls: input.urls,
    deployments,
    routes: input.table ? routeStatus(input.table) : [],
    diagnostics: [...input.diagnostics],
    keptFiles: [...input.keptFiles],
  };
}
