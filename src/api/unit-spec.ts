/**
 * The unit spec file: a DeploymentSpec that `sdep serve` has already
 * parsed, validated and defaulted, handed to the unit process it starts
 * (as Seldon's operator hands its executor the predictor in
 * ENGINE_PREDICTOR). The unit then loads no YAML parser, schema or
 * validator: about 8 MB less RSS per unit (bench/README.md, memory).
 *
 * This module imports nothing at run time, so reading a spec stays cheap.
 * The file is written and read by the same sdep build (serve starts its
 * own binary), so the check here is for the wrong file, not for a hostile
 * one: `sdep unit --deployment` is the way in for anything a user wrote.
 */
import type { DeploymentSpec } from './deployment-spec.js';

export const UNIT_SPEC_KIND = 'sdep/unit-spec';
export const UNIT_SPEC_VERSION = 1;

export function unitSpecText(deployment: DeploymentSpec): string {
  return `${JSON.stringify({ kind: UNIT_SPEC_KIND, version: UNIT_SPEC_VERSION, deployment })}\n`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The DeploymentSpec in a unit spec file's text; throws naming the file and the field at fault. */
export function readUnitSpec(text: string, file: string): DeploymentSpec {
  const bad = (path: string, why: string): Error =>
    new Error(
      `${file}: not an sdep unit spec (${path}: ${why}); a SeldonDeployment file goes to --deployment`,
    );
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw bad('(document)', `not JSON: ${(e as Error).message}`);
  }
  if (!isObject(doc)) throw bad('(document)', 'not a JSON object');
  if (doc.kind !== UNIT_SPEC_KIND) throw bad('kind', `expected ${JSON.stringify(UNIT_SPEC_KIND)}`);
  if (doc.version !== UNIT_SPEC_VERSION) {
    throw bad('version', `expected ${UNIT_SPEC_VERSION}, got ${JSON.stringify(doc.version)}`);
  }
  const d = doc.deployment;
  if (!isObject(d)) throw bad('deployment', 'not an object');
  for (const key of ['name', 'namespace'] as const) {
    if (typeof d[key] !== 'string' || d[key] === '') throw bad(`deployment.${key}`, 'not a non-empty string');
  }
  if (!isObject(d.source) || typeof d.source.file !== 'string') {
    throw bad('deployment.source.file', 'not a string');
  }
  if (!Array.isArray(d.predictors) || d.predictors.length === 0) {
    throw bad('deployment.predictors', 'not a non-empty array');
  }
  d.predictors.forEach((p: unknown, i: number) => {
    if (!isObject(p) || typeof p.name !== 'string')
      throw bad(`deployment.predictors[${i}].name`, 'not a string');
    if (!isObject(p.graph)) throw bad(`deployment.predictors[${i}].graph`, 'not an object');
  });
  return d as unknown as DeploymentSpec;
}
