/**
 * Reads a REST request body the way Seldon's wrapper does: JSON, or a form
 * whose `json` field holds the JSON (`curl -d 'json={...}'`).
 */
import { SdepError } from '../core/sdep-error.js';

/** Seldon's own wording, kept so clients matching on it still work. */
export const BAD_JSON_INFO = "Can't find JSON in data";

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new SdepError('SDEP_BAD_JSON', BAD_JSON_INFO, {
      status: 400,
      cause: new Error(`${what}: ${detail}`),
    });
  }
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function parseRequestBody(raw: Buffer | Uint8Array, contentType?: string): unknown {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  if (mediaType(contentType) === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text);
    const field = form.get('json');
    // A client that labels a JSON body as a form (curl -d's default) is common: accept it.
    if (field === null) return parseJson(text, 'form body without a json field');
    return parseJson(field, 'form field json');
  }
  if (text.trim() === '') {
    throw new SdepError('SDEP_BAD_JSON', BAD_JSON_INFO, { status: 400, cause: new Error('empty body') });
  }
  return parseJson(text, 'body');
}
