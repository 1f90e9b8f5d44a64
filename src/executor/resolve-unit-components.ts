/**
 * Decides, for each node of a predictor's graph, what runs it inside a unit:
 *   implementation           → a built-in component in this process
 *   endpoint.service_host    → a remote component (REST or gRPC)
 *   mock classifier image    → the built-in mock classifier
 *   container with a command → a local process, like a pod container, over REST
 * and anything else is a clear error naming the container and its image.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Container, GraphNode, PredictorSpec } from '../api/deployment-spec.js';
import { SdepError } from '../core/sdep-error.js';
import { type BuiltinOptions, createBuiltinComponent } from '../runtime/builtin-components.js';
import type { Component, ComponentParameters } from '../runtime/component.js';
import { isMockClassifierImage, MockClassifier } from '../runtime/mock-classifier.js';
import type { ComponentClient } from './component-client.js';
import { type ContainerProcess, startContainerProcess } from './container-process.js';
import { type DeferredClient, deferredClient } from './deferred-client.js';
import { grpcComponentClient } from './grpc-client.js';
import { inProcessClient } from './in-process-client.js';
import { restComponentClient } from './rest-client.js';

export type BuiltinFactory = (
  implementation: string,
  params: ComponentParameters,
  opts: BuiltinOptions,
) => Component | Promise<Component> | undefined;

export interface UnitComponentOptions {
  /** Folder relative container paths resolve against (the deployment file's folder). */
  baseDir?: string;
  /** Creates built-in components by implementation name (default: the runtime's built-ins). */
  createBuiltin?: BuiltinFactory;
  /** Container process output lines. */
  onContainerOutput?: (container: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** How long a container process may take to answer /health/ping. */
  containerStartTimeoutMs?: number;
}

export interface UnitComponents {
  resolve(node: GraphNode): ComponentClient;
  /** Resolves when every component has loaded; rejects with the first failure. */
  ready: Promise<void>;
  isReady(): boolean;
  /** Container processes started for this unit (for logs and tests). */
  processes(): readonly ContainerProcess[];
  close(): Promise<void>;
}

function allNodes(node: GraphNode, out: GraphNode[] = []): GraphNode[] {
  out.push(node);
  for (const c of node.children) allNodes(c, out);
  return out;
}

function paramsOf(node: GraphNode): ComponentParameters {
  const out: ComponentParameters = {};
  for (const p of node.parameters) out[p.name] = p.parsed;
  return out;
}

function containerOf(predictor: PredictorSpec, name: string): Container | undefined {
  for (const cs of predictor.componentSpecs) {
    const c = cs.spec.containers.find((x) => x.name === name);
    if (c) return c;
  }
  return undefined;
}

/** A relative local path in modelUri is relative to the deployment file, like container paths. */
function resolveModelUri(uri: string, baseDir: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || isAbsolute(uri)) return uri;
  return resolve(baseDir, uri);
}

async function loadComponent(c: Component | Promise<Component>): Promise<Component> {
  const component = await c;
  await component.load?.();
  return component;
}

export function resolveUnitComponents(
  predictor: PredictorSpec,
  opts: UnitComponentOptions = {},
): UnitComponents {
  const clients = new Map<string, ComponentClient>();
  const pending: DeferredClient[] = [];
  const closers: (() => Promise<void>)[] = [];
  const procs: ContainerProcess[] = [];
  const baseDir = opts.baseDir ?? process.cwd();
  let closed = false;

  const inProcess = (node: GraphNode, label: string, make: () => Component | Promise<Component>) => {
    const loading = (async () => inProcessClient(await loadComponent(make()), node, label))();
    const d = deferredClient('in-process', label, loading);
    pending.push(d);
    return d;
  };

  for (const node of allNodes(predictor.graph)) {
    const container = containerOf(predictor, node.name);
    let client: ComponentClient;
    if (node.implementation) {
      const impl = node.implementation;
      const create = opts.createBuiltin ?? createBuiltinComponent;
      const builtinOpts: BuiltinOptions = node.modelUri
        ? { modelUri: resolveModelUri(node.modelUri, baseDir) }
        : {};
      client = inProcess(node, impl, async () => {
        const c = await create(impl, paramsOf(node), builtinOpts);
        if (!c) {
          throw new SdepError(
            'SDEP_CONTAINER_NOT_RUNNABLE',
            `node '${node.name}': implementation ${impl} has no built-in server in sdep; run it as a container with a command instead`,
            { status: 500 },
          );
        }
        return c;
      });
    } else if (node.endpoint.service_host) {
      const host = node.endpoint.service_host;
      const port = node.endpoint.service_port ?? (node.endpoint.type === 'GRPC' ? 5001 : 9000);
      const label = container?.image ?? `${host}:${port}`;
      const remote =
        node.endpoint.type === 'GRPC'
          ? grpcComponentClient({ host, port, label, type: node.type })
          : restComponentClient({ host, port, label });
      closers.push(() => remote.close());
      client = remote;
    } else if (container?.image && !container.command?.length && isMockClassifierImage(container.image)) {
      // Checked after service_host: an explicit endpoint (as in a Kubernetes pod, where the image runs) wins.
      client = inProcess(node, container.image, () => new MockClassifier());
    } else if (container) {
      const c = container;
      const label = c.image ?? c.command?.join(' ') ?? c.name;
      if (!c.command?.length) {
        throw new SdepError(
          'SDEP_CONTAINER_NOT_RUNNABLE',
          `container '${c.name}': cannot run image ${c.image ?? '(none)'} locally: give the container a command, or use a built-in implementation`,
          { status: 500 },
        );
      }
      const loading = (async () => {
        const proc = await startContainerProcess({
          container: c,
          node,
          defaultCwd: baseDir,
          ...(opts.containerStartTimeoutMs ? { startTimeoutMs: opts.containerStartTimeoutMs } : {}),
          onOutput: (line, stream) => opts.onContainerOutput?.(c.name, line, stream),
        });
        procs.push(proc);
        closers.push(() => proc.stop());
        if (closed) {
          await proc.stop();
          throw new Error('unit closed while the container was starting');
        }
        await proc.ready;
        const rest = restComponentClient({ host: proc.host, port: proc.httpPort, label });
        closers.push(() => rest.close());
        return rest;
      })();
      const d = deferredClient('rest', label, loading);
      pending.push(d);
      client = d;
    } else {
      throw new SdepError(
        'SDEP_CONTAINER_NOT_RUNNABLE',
        `node '${node.name}' has no implementation, no endpoint.service_host and no container named '${node.name}'`,
        { status: 500 },
      );
    }
    clients.set(node.name, client);
  }

  const ready = Promise.all(pending.map((d) => d.loaded)).then(() => undefined);
  ready.catch(() => {});

  return {
    resolve(node) {
      const c = clients.get(node.name);
      if (!c) throw new Error(`no component resolved for node '${node.name}'`);
      return c;
    },
    ready,
    isReady: () => pending.every((d) => d.isLoaded()),
    processes: () => procs,
    async close() {
      // A process still being spawned sees `closed` and stops itself.
      closed = true;
      await Promise.allSettled(closers.reverse().map((c) => c()));
    },
  };
}
