/**
 * Parsers for numeric command-line values, shared by `sdep gateway` and
 * `sdep serve`. They throw commander's InvalidArgumentError, so a bad value
 * prints "error: option '--x <n>' argument 'v' is invalid. <why>" and exits
 * 1, instead of a stack trace.
 */
import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_SHADOW_COMPARE_RATE, DEFAULT_SHADOW_PIPELINING } from '../gateway/index.js';

/** A parser accepting the integers from `min` to `max`; `unit` ends its message "takes min to max <unit>". */
export function integerFlag(min: number, max: number, unit: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`takes ${min} to ${max} ${unit}`.trimEnd());
    }
    return n;
  };
}

export const portValue = integerFlag(0, 65535, '(a port number; 0 picks a free one)');
export const workersValue = integerFlag(1, 64, 'processes');
export const shadowCompareRateValue = integerFlag(0, 1_000_000, 'comparisons a second');
export const shadowPipeliningValue = integerFlag(1, 256, 'copies a connection');

/** --shadow-compare-rate, the same on `sdep serve` and `sdep gateway`. */
export function shadowCompareRateOption(): Option {
  return new Option(
    '--shadow-compare-rate <n>',
    'shadow responses compared with the main one, at most n a second (0: none)',
  )
    .argParser(shadowCompareRateValue)
    .default(DEFAULT_SHADOW_COMPARE_RATE);
}

/** --shadow-pipelining; `peer` names what the gateway connects to (unit, upstream). */
export function shadowPipeliningOption(peer: string): Option {
  return new Option(
    '--shadow-pipelining <n>',
    `most shadow copies pipelined on one ${peer} connection, fewer for a slow shadow (1: none)`,
  )
    .argParser(shadowPipeliningValue)
    .default(DEFAULT_SHADOW_PIPELINING);
}
