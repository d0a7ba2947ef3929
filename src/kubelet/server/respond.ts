// SPDX-License-Identifier: Apache-2.0
// What the kubelet server's handlers share: the backend, the clock, plain-text answers.
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../../machinery/clock.js';
import type { Pod } from '../api-types.js';
import { KubeletHttpError, type KubeletServerBackend } from './types.js';

export interface Ctx { backend: KubeletServerBackend; clock: Clock; log?: Logger }

/** kubelet answers errors as plain text (go-restful WriteErrorString, net/http Error). */
export function writeText(res: ServerResponse, code: number, text: string): void {
  if (res.headersSent) { res.end(); return; }
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

/** The pod, or kubelet's 404 (`pod does not exist`, or with the name for logs). */
export async function podOr404(ctx: Ctx, namespace: string, name: string, uid: string | undefined, message: string): Promise<Pod> {
  const pod = await ctx.backend.getPod(namespace, name);
  if (!pod) throw new KubeletHttpError(404, message);
  if (uid && pod.metadata?.uid !== uid) throw new KubeletHttpError(404, 'pod not found');
  return pod;
}

/** Names of the pod's containers of every kind (kubecontainer.GetContainerSpec looks at all). */
export function containerNames(pod: Pod): string[] {
  const spec = pod.spec as { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }>; ephemeralContainers?: Array<{ name: string }> };
  return [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
}
