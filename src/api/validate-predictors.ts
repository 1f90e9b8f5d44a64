/**
 * Deployment-level semantic rules: metadata names, the predictor set
 * (count, names, shadows, traffic) and predictor annotations that must agree
 * across predictors. Runs on a document that already has the schema's shape.
 */
import { type Diagnostic, fieldPath } from '../core/diagnostic.js';
import { dns1123LabelProblem } from './dns-name.js';
import type { RawPredictor, RawSeldonDeployment } from './schema.js';

type Emit = (code: string, segments: (string | number)[], message: string) => void;

export const SVC_NAME_ANNOTATION = 'seldon.io/svc-name';

function checkNames(raw: RawSeldonDeployment, emit: Emit): void {
  const nameProblem = dns1123LabelProblem(raw.metadata.name);
  if (nameProblem)
    emit(
      'SDEP_METADATA_NAME',
      ['metadata', 'name'],
      `name ${JSON.stringify(raw.metadata.name)} ${nameProblem}`,
    );
  const ns = raw.metadata.namespace;
  const nsProblem = ns === undefined || ns === '' ? undefined : dns1123LabelProblem(ns);
  if (nsProblem)
    emit('SDEP_METADATA_NAME', ['metadata', 'namespace'], `namespace ${JSON.stringify(ns)} ${nsProblem}`);
}

function checkPredictorNames(predictors: readonly RawPredictor[], emit: Emit): void {
  const firstIndex = new Map<string, number>();
  predictors.forEach((p, i) => {
    const problem = dns1123LabelProblem(p.name);
    if (problem)
      emit(
        'SDEP_PREDICTOR_NAME',
        ['spec', 'predictors', i, 'name'],
        `predictor name ${JSON.stringify(p.name)} ${problem}`,
      );
    const first = firstIndex.get(p.name);
    if (first === undefined) firstIndex.set(p.name, i);
    else
      emit(
        'SDEP_DUPLICATE_PREDICTOR',
        ['spec', 'predictors', i, 'name'],
        `duplicate predictor name ${JSON.stringify(p.name)} (also spec.predictors[${first}])`,
      );
  });
}

function checkShadows(predictors: readonly RawPredictor[], emit: Emit): void {
  const shadows = predictors.map((p, i) => ({ p, i })).filter(({ p }) => p.shadow === true);
  for (const { i } of shadows.slice(1))
    emit(
      'SDEP_MULTIPLE_SHADOWS',
      ['spec', 'predictors', i, 'shadow'],
      `at most one predictor may be a shadow; spec.predictors[${shadows[0]!.i}] already is`,
    );
  if (shadows.length > 0 && shadows.length === predictors.length)
    emit(
      'SDEP_SHADOW_ONLY',
      ['spec', 'predictors', shadows[0]!.i, 'shadow'],
      'a shadow cannot be the only predictor: add a non-shadow predictor to serve responses',
    );
}

function checkTraffic(predictors: readonly RawPredictor[], emit: Emit): void {
  const outOfRange = new Set<number>();
  predictors.forEach((p, i) => {
    if (p.traffic !== undefined && (p.traffic < 0 || p.traffic > 100)) {
      outOfRange.add(i);
      emit(
        'SDEP_TRAFFIC_RANGE',
        ['spec', 'predictors', i, 'traffic'],
        `${p.shadow ? 'shadow ' : ''}traffic must be between 0 and 100, got ${p.traffic}`,
      );
    }
  });
  const live = predictors.map((p, i) => ({ p, i })).filter(({ p }) => p.shadow !== true);
  if (live.length === 1) {
    const { p, i } = live[0]!;
    if (p.traffic !== undefined && p.traffic !== 0 && p.traffic !== 100 && !outOfRange.has(i))
      emit(
        'SDEP_TRAFFIC_SINGLE',
        ['spec', 'predictors', i, 'traffic'],
        `the only non-shadow predictor takes all traffic: traffic must be unset, 0 or 100, got ${p.traffic}`,
      );
  } else if (live.length > 1) {
    const sum = live.reduce((s, { p }) => s + (p.traffic ?? 0), 0);
    if (sum !== 100) {
      const parts = live.map(({ p }) => `${p.name} ${p.traffic ?? 'unset'}`).join(' + ');
      emit(
        'SDEP_TRAFFIC_SUM',
        ['spec', 'predictors', live[live.length - 1]!.i, 'traffic'],
        `traffic of the non-shadow predictors must sum to 100, got ${sum} (${parts})`,
      );
    }
  }
}

function checkServiceNames(predictors: readonly RawPredictor[], emit: Emit): void {
  const seen = new Map<string, number>();
  predictors.forEach((p, i) => {
    const svc = p.annotations?.[SVC_NAME_ANNOTATION];
    if (svc === undefined) return;
    const first = seen.get(svc);
    if (first === undefined) seen.set(svc, i);
    else
      emit(
        'SDEP_DUPLICATE_SVC_NAME',
        ['spec', 'predictors', i, 'annotations', SVC_NAME_ANNOTATION],
        `service name ${JSON.stringify(svc)} is already used by spec.predictors[${first}]`,
      );
  });
}

export function validatePredictors(raw: RawSeldonDeployment, resource: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const emit: Emit = (code, segments, message) => {
    out.push({ code, severity: 'error', resource, path: fieldPath(segments), message });
  };
  checkNames(raw, emit);
  const predictors = raw.spec.predictors;
  if (predictors.length === 0) {
    emit('SDEP_NO_PREDICTORS', ['spec', 'predictors'], 'at least one predictor is required');
    return out;
  }
  checkPredictorNames(predictors, emit);
  checkShadows(predictors, emit);
  checkTraffic(predictors, emit);
  checkServiceNames(predictors, emit);
  return out;
}
