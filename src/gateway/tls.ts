/**
 * TLS material for the front end: a given cert/key pair, or `self-signed`
 * (generated at start, as Ambassador Edge Stack does by default) for
 * localhost and 127.0.0.1.
 */
import type { Buffer } from 'node:buffer';
import { SdepError } from '../core/sdep-error.js';

export interface TlsMaterial {
  cert: string | Buffer;
  key: string | Buffer;
}

export type TlsOption = TlsMaterial | 'self-signed';

export async function resolveTls(option: TlsOption): Promise<TlsMaterial> {
  if (option !== 'self-signed') return option;
  try {
    // Loaded only when asked for: it weighs ~17 MB of RSS the data plane does not need.
    const { generate } = await import('selfsigned');
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    });
    return { cert: pems.cert, key: pems.private };
  } catch (cause) {
    throw new SdepError(
      'SDEP_GATEWAY_BAD_TLS',
      `could not generate a self-signed certificate: ${String(cause)}`,
      {
        status: 500,
        cause,
      },
    );
  }
}
