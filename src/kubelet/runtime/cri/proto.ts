// Finds and loads api.proto once per process. The .proto lives beside this file in the source tree;
// `npm run build` (tsc) does not copy it, so from dist/src/kubelet/runtime/cri/ we look for
// src/kubelet/runtime/cri/api.proto in each ancestor directory (the package root).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO_NAME = 'api.proto';
const SOURCE_DIR = join('src', 'kubelet', 'runtime', 'cri');

/** Absolute path of api.proto; throws if neither beside this module nor in the source tree. */
export function criProtoPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const tried: string[] = [];
  const beside = join(here, PROTO_NAME);
  tried.push(beside);
  if (existsSync(beside)) return beside;
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, SOURCE_DIR, PROTO_NAME);
    if (candidate !== beside) {
      tried.push(candidate);
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) break;
  }
  throw new Error(`CRI api.proto not found; looked at: ${tried.join(', ')}`);
}

export interface CriServices {
  RuntimeService: grpc.ServiceClientConstructor;
  ImageService: grpc.ServiceClientConstructor;
}

let loaded: CriServices | undefined;

/** The runtime.v1 service client constructors (loaded on first use). */
export function criServices(): CriServices {
  if (loaded) return loaded;
  const def = protoLoader.loadSync(criProtoPath(), {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { runtime: { v1: CriServices } };
  loaded = { RuntimeService: pkg.runtime.v1.RuntimeService, ImageService: pkg.runtime.v1.ImageService };
  return loaded;
}
