/**
 * EPSILON_GREEDY multi-armed-bandit router: with probability `epsilon` it
 * explores a uniformly random branch, otherwise it exploits the branch with
 * the best mean reward so far. Feedback (reward for the routed branch, over
 * the request's rows) updates the means.
 */
import type { Component, ComponentParameters } from './component.js';
import { type RouterOptions, randomFromParams } from './random-abtest.js';
import type { RandomSource } from './random-source.js';
import { runtimeError } from './runtime-error.js';

function intParam(params: ComponentParameters, name: string, fallback?: number): number {
  const raw = params[name] ?? fallback;
  const n = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw runtimeError(
      'SDEP_BAD_PARAMETERS',
      `EPSILON_GREEDY parameter ${name} must be an integer, got ${String(raw)}`,
    );
  }
  return n;
}

export class EpsilonGreedy implements Component {
  readonly nBranches: number;
  readonly epsilon: number;
  private readonly random: RandomSource;
  private readonly tries: number[];
  private readonly rewards: number[];
  private best: number;

  constructor(params: ComponentParameters = {}, opts: RouterOptions = {}) {
    this.nBranches = intParam(params, 'n_branches');
    if (this.nBranches < 1)
      throw runtimeError('SDEP_BAD_PARAMETERS', 'EPSILON_GREEDY parameter n_branches must be >= 1');
    const eps = Number(params.epsilon ?? 0.1);
    if (!Number.isFinite(eps) || eps < 0 || eps > 1) {
      throw runtimeError(
        'SDEP_BAD_PARAMETERS',
        `EPSILON_GREEDY parameter epsilon must be in [0, 1], got ${String(params.epsilon)}`,
      );
    }
    this.epsilon = eps;
    this.best = intParam(params, 'best_branch', 0);
    if (this.best < 0 || this.best >= this.nBranches) {
      throw runtimeError(
        'SDEP_BAD_PARAMETERS',
        `EPSILON_GREEDY parameter best_branch must be in [0, ${this.nBranches - 1}]`,
      );
    }
    this.random = opts.random ?? randomFromParams(params);
    this.tries = new Array<number>(this.nBranches).fill(0);
    this.rewards = new Array<number>(this.nBranches).fill(0);
  }

  route(): number {
    if (this.random() < this.epsilon)
      return Math.min(this.nBranches - 1, Math.floor(this.random() * this.nBranches));
    return this.best;
  }

  sendFeedback(X: unknown, _names: string[], reward: number, _truth: unknown, routing?: number): undefined {
    if (routing === undefined || !Number.isInteger(routing) || routing < 0 || routing >= this.nBranches) {
      throw runtimeError(
        'SDEP_BAD_PAYLOAD',
        `feedback routing ${String(routing)} is not a branch of this router (0..${this.nBranches - 1})`,
      );
    }
    const rows = Array.isArray(X) && X.length > 0 ? X.length : 1;
    this.tries[routing]! += rows;
    this.rewards[routing]! += reward * rows;
    this.best = this.bestBranch();
    return undefined;
  }

  /** Mean reward per branch (0 for untried branches). */
  values(): number[] {
    return this.tries.map((t, i) => (t === 0 ? 0 : this.rewards[i]! / t));
  }

  private bestBranch(): number {
    const v = this.values();
    let best = this.best;
    for (let i = 0; i < v.length; i++) if (v[i]! > v[best]!) best = i;
    return best;
  }
}
