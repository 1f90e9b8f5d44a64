/**
 * Checks for numeric command-line values, shared by every sdep command.
 * `integerFlag` parsers throw commander's InvalidArgumentError, so a bad
 * value prints "error: option '--x <n>' argument 'v' is invalid. <why>" and
 * exits 1, instead of a stack trace; `integerValue` is for values checked
 * after parsing (flags whose defaults are strings). Imports nothing heavy:
 * `sdep unit` and `sdep microservice` use it too.
 */
import { InvalidArgumentError } from 'commander';

/** `value` as an integer from `min` to `max`, or undefined (a blank value is not 0). */
function integerIn(value: string, min: number, max: number): number | undefined {
  const n = Number(value);
  return value.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

/** A parser accepting the integers from `min` to `max`; `unit` ends its message "takes min to max <unit>". */
export function integerFlag(min: number, max: number, unit: string): (value: string) => number {
  return (value) => {
    const n = integerIn(value, min, max);
    if (n === undefined) throw new InvalidArgumentError(`takes ${min} to ${max} ${unit}`.trimEnd());
    return n;
  };
}

/** `value` of `flag` as an integer from `min` to `max`; otherwise an Error naming the flag, the range and the value. */
export function integerValue(value: string, flag: string, min: number, max: number): number {
  const n = integerIn(value, min, max);
  if (n === undefined) {
    throw new Error(`${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export const portValue = integerFlag(0, 65535, '(a port number; 0 picks a free one)');
export const workersValue = integerFlag(1, 64, 'processes');
export const shadowCompareRateValue = integerFlag(0, 1_000_000, 'comparisons a second');
export const shadowPipeliningValue = integerFlag(1, 256, 'copies a connection');
