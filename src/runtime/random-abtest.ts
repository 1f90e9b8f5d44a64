/**
 * RANDOM_ABTEST router: child 0 with probability `ratioA` (default 0.5),
 * else child 1.
 */
import type { Component, ComponentParameters } from './component.js';
import { type RandomSource, seededRandom } from './random-source.js';
import { runtimeError } from './runtime-error.js';

export interface RouterOptions {
  random?: RandomSource;
}

export class RandomABTest implements Component {
  readonly ratioA: number;
  private readonly random: RandomSource;

  constructor(params: ComponentParameters = {}, opts: RouterOptions = {}) {
    const ratio = params.ratioA ?? 0.5;
    const r = typeof ratio === 'string' ? Number(ratio) : ratio;
    if (typeof r !== 'number' || !Number.isFinite(r) || r < 0 || r > 1) {
      throw runtimeError(
        'SDEP_BAD_PARAMETERS',
        `RANDOM_ABTEST parameter ratioA must be a number in [0, 1], got ${String(ratio)}`,
      );
    }
    this.ratioA = r;
    this.random = opts.random ?? randomFromParams(params);
  }

  route(): number {
    return this.random() < this.ratioA ? 0 : 1;
  }
}

/** A `seed` parameter makes a router reproducible; without one it uses Math.random. */
export function randomFromParams(params: ComponentParameters): RandomSource {
  const seed = params.seed;
  if (seed === undefined || seed === null) return Math.random;
  const n = Number(seed);
  if (!Number.isInteger(n))
    throw runtimeError('SDEP_BAD_PARAMETERS', `parameter seed must be an integer, got ${String(seed)}`);
  return seededRandom(n);
}
