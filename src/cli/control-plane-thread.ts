// The scheduler and controllers on a worker thread of the server process: they are API clients
// like any other (DESIGN.md principle 1), and on their own thread they neither wait for nor slow
// down the API server's event loop.
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { ControlPlaneConfig, Credentials } from './control-plane.js';

export interface ControlPlaneThreadData { cfg: ControlPlaneConfig; url: string; credentials: Credentials; logLevel: string }

export function startControlPlaneThread(data: ControlPlaneThreadData, log: Logger): { stop(): Promise<void> } {
  const worker = new Worker(new URL('./control-plane-worker.js', import.meta.url), { workerData: data, stdout: false, stderr: false });
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once('exit', (code) => {
    exited = true;
    if (code !== 0) log.error({ code }, 'control plane thread exited');
    resolve();
  }));
  worker.on('error', (err) => log.error({ err }, 'control plane thread failed'));
  return {
    stop: async () => {
      if (exited) return;
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
