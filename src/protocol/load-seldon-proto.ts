/**
 * seldon.protos service constructors for @grpc/grpc-js clients (remote
 * gRPC components, gRPC microservices, tests and benches).
 */
import { type GrpcObject, loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { seldonPackageDefinition } from './seldon-proto-definition.js';

export { SELDON_PROTO_OPTIONS, SELDON_PROTO_PATH } from './seldon-proto-definition.js';

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
  const packageDefinition = seldonPackageDefinition();
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
