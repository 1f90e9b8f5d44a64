/**
 * What runs one graph node inside a unit, decided from the spec alone (pure):
 *   implementation           → a built-in component in the unit's process
 *   endpoint.service_host    → a remote component (REST or gRPC)
 *   mock classifier image    → the built-in mock classifier
 *   container with a command → a local process, like a pod container
 * and anything else cannot run here, with the reason and the field it is
 * about. The unit acts on the plan; `sdep serve` checks it before starting
 * anything, so an image it cannot run is a diagnostic, not a crash loop.
 */
import type { Container, GraphNode, PredictorSpec } from '../api/deployment-spec.js';
import { isMockClassifierImage } from '../runtime/mock-classifier.js';

export type ComponentPlan =
  | { kind: 'builtin'; implementation: string }
  | { kind: 'remote'; host: string; port: number; transport: 'REST' | 'GRPC'; container?: Container }
  | { kind: 'mock'; image: string }
  | { kind: 'process'; container: Container }
  | { kind: 'unrunnable'; message: string; field: 'implementation' | 'image' | 'name' };

export function containerOf(predictor: PredictorSpec, name: string): Container | undefined {
  for (const cs of predictor.componentSpecs) {
    const c = cs.spec.containers.find((x) => x.name === name);
    if (c) return c;
  }
  return undefined;
}

/** `isBuiltin` says which implementations this runtime has; without it every one is taken as built in. */
export function planComponent(
  predictor: PredictorSpec,
  node: GraphNode,
  isBuiltin?: (implementation: string) => boolean,
): ComponentPlan {
  const container = containerOf(predictor, node.name);
  if (node.implementation) {
    const impl = node.implementation;
    if (isBuiltin && !isBuiltin(impl))
      return {
        kind: 'unrunnable',
        field: 'implementation',
        message: `node '${node.name}': implementation ${impl} has no built-in server in sdep; run it as a container with a command instead`,
      };
    return { kind: 'builtin', implementation: impl };
  }
  if (node.endpoint.service_host) {
    const transport = node.endpoint.type === 'GRPC' ? 'GRPC' : 'REST';
    const port = node.endpoint.service_port ?? (transport === 'GRPC' ? 5001 : 9000);
    return {
      kind: 'remote',
      host: node.endpoint.service_host,
      port,
      transport,
      ...(container ? { container } : {}),
    };
  }
  // after service_host: an explicit endpoint (as in a Kubernetes pod, where the image runs) wins
  if (container?.image && !container.command?.length && isMockClassifierImage(container.image))
    return { kind: 'mock', image: container.image };
  if (container?.command?.length) return { kind: 'process', container };
  if (container)
    return {
      kind: 'unrunnable',
      field: 'image',
      message: `container '${container.name}': cannot run image ${container.image ?? '(none)'} locally: give the container a command, or use a built-in implementation`,
    };
  return {
    kind: 'unrunnable',
    field: 'name',
    message: `node '${node.name}' has no implementation, no endpoint.service_host and no container named '${node.name}'`,
  };
}
