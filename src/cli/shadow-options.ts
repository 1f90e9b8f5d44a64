/** The shadow's tuning options, declared once for `sdep serve` and `sdep gateway`. */
import { Option } from 'commander';
import { DEFAULT_SHADOW_COMPARE_RATE, DEFAULT_SHADOW_PIPELINING } from '../gateway/index.js';
import { shadowCompareRateValue, shadowPipeliningValue } from './flag-values.js';

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
