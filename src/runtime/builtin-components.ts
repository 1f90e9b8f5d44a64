/** The built-in servers, by the `implementation` name a graph node gives. */
import type { Component, ComponentParameters } from './component.js';
import { EpsilonGreedy } from './epsilon-greedy.js';
import { MockClassifier } from './mock-classifier.js';
import { OnnxServer } from './onnx-server.js';
import { RandomABTest } from './random-abtest.js';
import type { RandomSource } from './random-source.js';

export interface BuiltinOptions {
  /** The node's modelUri, for servers that load a model. */
  modelUri?: string;
  /** Random source for routers (tests, reproducible runs); else `seed` parameter, else Math.random. */
  random?: RandomSource;
}

export const BUILTIN_IMPLEMENTATIONS = [
  'MOCK_CLASSIFIER',
  'ONNX_SERVER',
  'EPSILON_GREEDY',
  'RANDOM_ABTEST',
] as const;
export type BuiltinImplementation = (typeof BUILTIN_IMPLEMENTATIONS)[number];

export function isBuiltinImplementation(name: string): name is BuiltinImplementation {
  return (BUILTIN_IMPLEMENTATIONS as readonly string[]).includes(name);
}

/**
 * A new, not yet loaded, built-in component; undefined for an unknown
 * implementation. Call `load()` (or use loadBuiltinComponent) before use:
 * ONNX_SERVER reads its model there.
 */
export function createBuiltinComponent(
  implementation: string,
  params: ComponentParameters = {},
  opts: BuiltinOptions = {},
): Component | undefined {
  const routerOpts = opts.random ? { random: opts.random } : {};
  switch (implementation) {
    case 'MOCK_CLASSIFIER':
      return new MockClassifier();
    case 'ONNX_SERVER':
      return new OnnxServer(params, opts.modelUri !== undefined ? { modelUri: opts.modelUri } : {});
    case 'EPSILON_GREEDY':
      return new EpsilonGreedy(params, routerOpts);
    case 'RANDOM_ABTEST':
      return new RandomABTest(params, routerOpts);
    default:
      return undefined;
  }
}

export async function loadBuiltinComponent(
  implementation: string,
  params: ComponentParameters = {},
  opts: BuiltinOptions = {},
): Promise<Component | undefined> {
  const c = createBuiltinComponent(implementation, params, opts);
  await c?.load?.();
  return c;
}
