/**
 * Can this machine run every node of a deployment? Checked before any unit
 * starts, so an image sdep cannot run locally is an error diagnostic naming
 * the field (the deployment is left out, or its last good version kept)
 * rather than a unit crash-looping on it. Pure.
 */
import { type DeploymentSpec, type GraphNode, resourceLabel } from '../api/deployment-spec.js';
import { type Diagnostic, fieldPath } from '../core/diagnostic.js';
import { planComponent } from '../executor/component-plan.js';
import { isBuiltinImplementation } from '../runtime/builtin-components.js';

function walk(node: GraphNode, path: (string | number)[], out: [GraphNode, (string | number)[]][]): void {
  out.push([node, path]);
  node.children.forEach((c, i) => {
    walk(c, [...path, 'children', i], out);
  });
}

/** Where the field a plan complains about lives: the container's image, else the graph node. */
function containerPath(spec: DeploymentSpec, p: number, name: string): (string | number)[] | undefined {
  const predictor = spec.predictors[p]!;
  for (const [j, cs] of predictor.componentSpecs.entries()) {
    const k = cs.spec.containers.findIndex((c) => c.name === name);
    if (k >= 0) return ['spec', 'predictors', p, 'componentSpecs', j, 'spec', 'containers', k, 'image'];
  }
  return undefined;
}

export function unrunnableDiagnostics(spec: DeploymentSpec): Diagnostic[] {
  const out: Diagnostic[] = [];
  spec.predictors.forEach((predictor, p) => {
    const nodes: [GraphNode, (string | number)[]][] = [];
    walk(predictor.graph, ['spec', 'predictors', p, 'graph'], nodes);
    for (const [node, path] of nodes) {
      const plan = planComponent(predictor, node, isBuiltinImplementation);
      if (plan.kind !== 'unrunnable') continue;
      const at =
        plan.field === 'image'
          ? (containerPath(spec, p, node.name) ?? path)
          : plan.field === 'implementation'
            ? [...path, 'implementation']
            : path;
      out.push({
        code: 'SDEP_LOCAL_CANNOT_RUN',
        severity: 'error',
        resource: resourceLabel(spec),
        path: fieldPath(at),
        message: plan.message,
      });
    }
  });
  return out;
}
