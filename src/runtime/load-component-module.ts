/**
 * Loads a user component from a JS/TS module: the named export (default:
 * the default export, else the only export), a class constructed with the
 * parameters or a ready object; then awaits its load().
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Component, ComponentParameters } from './component.js';
import { runtimeError } from './runtime-error.js';

function isClass(v: unknown): v is new (params: ComponentParameters) => Component {
  return typeof v === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(v));
}

function pickExport(mod: Record<string, unknown>, path: string, exportName?: string): unknown {
  if (exportName) {
    if (!(exportName in mod)) {
      throw runtimeError(
        'SDEP_MODULE_LOAD',
        `${path} has no export named ${exportName} (exports: ${Object.keys(mod).join(', ') || 'none'})`,
      );
    }
    return mod[exportName];
  }
  if (mod.default !== undefined) return mod.default;
  const names = Object.keys(mod);
  if (names.length === 1) return mod[names[0]!];
  throw runtimeError(
    'SDEP_MODULE_LOAD',
    `${path} has no default export and ${names.length} named exports: pick one with --export (${names.join(', ')})`,
  );
}

export async function loadComponentModule(
  path: string,
  exportName?: string,
  params: ComponentParameters = {},
): Promise<Component> {
  const abs = isAbsolute(path) ? path : resolve(path);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (e) {
    throw runtimeError(
      'SDEP_MODULE_LOAD',
      `cannot import component module ${path}: ${(e as Error).message}`,
      e,
    );
  }
  const picked = pickExport(mod, path, exportName);
  let component: Component;
  if (isClass(picked)) component = new picked(params);
  else if (typeof picked === 'function')
    component = (await (picked as (p: ComponentParameters) => unknown)(params)) as Component;
  else if (picked !== null && typeof picked === 'object') component = picked as Component;
  else throw runtimeError('SDEP_MODULE_LOAD', `${path}: the export is not a class, factory or object`);
  await component.load?.();
  return component;
}
