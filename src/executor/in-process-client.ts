/**
 * A Component object running in the unit's own process, seen as a
 * ComponentClient. The runtime's invoke* helpers do what Seldon's wrapper
 * does (payload in, response in the request's representation, meta).
 */
import type { GraphNode } from '../api/deployment-spec.js';
import type { Component } from '../runtime/component.js';
import {
  componentMetadata,
  invokeAggregate,
  invokePredict,
  invokeRoute,
  invokeSendFeedback,
  invokeTransformInput,
  invokeTransformOutput,
} from '../runtime/invoke-component.js';
import type { ComponentClient } from './component-client.js';
import { nodeError } from './node-error.js';

export function inProcessClient(
  component: Component,
  node: Pick<GraphNode, 'name' | 'implementation'>,
  label?: string,
): ComponentClient {
  const shown = label ?? node.implementation;
  const ctx = { unit: { id: node.name, ...(shown ? { image: shown } : {}) } };
  const need = (has: boolean, method: string) => {
    if (!has) {
      throw nodeError(
        'SDEP_COMPONENT_METHOD_MISSING',
        `component '${node.name}' has no ${method} method (its graph node needs one)`,
        500,
      );
    }
  };
  return {
    kind: 'in-process',
    ...(shown ? { label: shown } : {}),
    async call(method, msg) {
      switch (method) {
        case 'predict':
          need(!!(component.predict || component.predictRaw), 'predict');
          return invokePredict(component, msg, ctx);
        case 'transformInput':
          return invokeTransformInput(component, msg, ctx);
        case 'transformOutput':
          return invokeTransformOutput(component, msg, ctx);
        case 'route':
          need(!!(component.route || component.routeRaw), 'route');
          return invokeRoute(component, msg, ctx);
      }
    },
    async aggregate(msgs) {
      need(!!(component.aggregate || component.aggregateRaw), 'aggregate');
      return invokeAggregate(component, msgs, ctx);
    },
    sendFeedback: (fb) => invokeSendFeedback(component, fb, ctx),
    metadata: async () => componentMetadata(component, ctx),
  };
}
