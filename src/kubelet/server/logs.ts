// SPDX-License-Identifier: Apache-2.0
// GET /containerLogs/{namespace}/{pod}/{container}: the container's CRI log file, shaped by the
// PodLogOptions query (pkg/kubelet/server getContainerLogs + kuberuntime/logs ReadLogs).
import type { ServerResponse } from 'node:http';
import { realpath } from 'node:fs/promises';
import { LogQueryError, parseContainerLogQuery, readContainerLogs } from '../logs/index.js';
import { containerNames, podOr404, writeText, type Ctx } from './respond.js';
import { KubeletHttpError } from './types.js';

export async function serveContainerLogs(ctx: Ctx, res: ServerResponse,
  route: { namespace: string; pod: string; container: string }, query: URLSearchParams): Promise<void> {
  let opts;
  try {
    opts = parseContainerLogQuery(query, ctx.clock.now());
  } catch (e) {
    if (e instanceof LogQueryError) return writeText(res, e.code, e.message);
    throw e;
  }
  const pod = await podOr404(ctx, route.namespace, route.pod, undefined, `pod "${route.pod}" does not exist`);
  if (!containerNames(pod).includes(route.container)) {
    throw new KubeletHttpError(404, `container "${route.container}" not found in pod "${route.pod}"`);
  }
  const source = await ctx.backend.containerLog(pod, route.container, opts.previous);
  try {
    await realpath(source.path);
  } catch (e) {
    // kubelet: failed to try resolving symlinks in path "...": lstat ...: no such file or directory
    throw new KubeletHttpError(400, `failed to try resolving symlinks in path "${source.path}": ${e instanceof Error ? e.message : String(e)}`);
  }
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  // Headers go out now: a follower may wait long for the first line.
  res.flushHeaders();
  try {
    await readContainerLogs({
      path: source.path, ...opts, isRunning: source.isRunning, signal: abort.signal, clock: ctx.clock,
      sink: (chunk) => {
        if (res.write(chunk)) return;
        return new Promise<void>((resolve) => {
          const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
          res.on('drain', done);
          res.on('close', done);
        });
      },
    });
  } catch (e) {
    ctx.log?.warn({ err: e, path: source.path }, 'reading container log failed');
  }
  res.end();
}
