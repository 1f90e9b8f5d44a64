/**
 * deploy/crd.yaml is generated from src/api/crd-schema.ts (through
 * src/k8s/crd-manifest.ts). `--write` rewrites the file; without it the YAML
 * goes to stdout. src/k8s/deploy-manifests.test.ts fails when they differ.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { seldonDeploymentCrdYaml } from '../src/k8s/crd-manifest.js';

export const CRD_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'deploy', '10-crd.yaml');

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = seldonDeploymentCrdYaml();
  if (process.argv.includes('--write')) writeFileSync(CRD_PATH, text);
  else process.stdout.write(text);
}
