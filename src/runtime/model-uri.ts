/** Resolves a prepackaged server's `modelUri` (a local path or file:// URL) to a model file. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimeError } from './runtime-error.js';

export async function resolveModelFile(modelUri: string, fileName: string, ext: string): Promise<string> {
  let path = modelUri;
  if (modelUri.startsWith('file://')) path = fileURLToPath(modelUri);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(modelUri)) {
    throw runtimeError(
      'SDEP_ONNX_MODEL',
      `modelUri ${modelUri}: only local paths and file:// URLs are supported (download the model first)`,
    );
  }
  const st = await stat(path).catch(() => undefined);
  if (!st) throw runtimeError('SDEP_ONNX_MODEL', `modelUri ${modelUri}: no such file or directory`);
  if (st.isFile()) {
    if (!path.endsWith(ext))
      throw runtimeError('SDEP_ONNX_MODEL', `modelUri ${modelUri}: expected a ${ext} file`);
    return path;
  }
  const inDir = join(path, fileName);
  if (!(await stat(inDir).catch(() => undefined))?.isFile()) {
    throw runtimeError('SDEP_ONNX_MODEL', `modelUri ${modelUri}: the directory holds no ${fileName}`);
  }
  return inDir;
}
