/**
 * Loads seldon.protos for @grpc/grpc-js. The .proto sits beside this file
 * in src/ and, after the build copies assets, in dist/.
 */
import { fileURLToPath } from 'node:url';
import { type GrpcObject, loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
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

export type SeldonServiceName =
  | 'Generic'
  | 'Model'
  | 'Router'
  | 'Transformer'
  | 'OutputTransformer'
  | 'Combiner'
  | 'Seldon';

export interface SeldonProto {
  packageDefinition: PackageDefinition;
  services: Record<SeldonServiceName, ServiceClientConstructor>;
}

let cached: SeldonProto | undefined;

export function loadSeldonProto(): SeldonProto {
  if (cached) return cached;
  const packageDefinition = loadSync(SELDON_PROTO_PATH, SELDON_PROTO_OPTIONS);
  const pkg = (loadPackageDefinition(packageDefinition).seldon as GrpcObject).protos as GrpcObject;
  const names: SeldonServiceName[] = [
    'Generic',
    'Model',
    'Router',
    'Transformer',
    'OutputTransformer',
    'Combiner',
    'Seldon',
  ];
  const services = Object.fromEntries(names.map((n) => [n, pkg[n] as ServiceClientConstructor])) as Record<
    SeldonServiceName,
    ServiceClientConstructor
  >;
  cached = { packageDefinition, services };
  return cached;
}
