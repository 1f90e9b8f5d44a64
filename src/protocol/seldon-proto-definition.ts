/**
 * seldon.protos as a proto-loader package definition: the message codecs
 * (requestDeserialize, responseSerialize) without @grpc/grpc-js, so the
 * unit's own gRPC front loads protobufjs only. The .proto sits beside this
 * file in src/ and, after the build copies assets, in dist/.
 */
import { fileURLToPath } from 'node:url';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';

export const SELDON_PROTO_PATH = fileURLToPath(new URL('./proto/prediction.proto', import.meta.url));

/** keepCase: field names as on the wire (binData, requestPath); enums as names; oneofs named. */
export const SELDON_PROTO_OPTIONS: Options = {
  keepCase: true,
  enums: String,
  longs: Number,
  bytes: String,
  defaults: false,
  arrays: true,
  oneofs: true,
};

let cached: PackageDefinition | undefined;

export function seldonPackageDefinition(): PackageDefinition {
  cached ??= loadSync(SELDON_PROTO_PATH, SELDON_PROTO_OPTIONS);
  return cached;
}
