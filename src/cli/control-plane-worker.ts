// Entry of the control plane thread (see control-plane-thread.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from './logger.js';
import { startControlPlane } from './control-plane.js';
import type { ControlPlaneThreadData } from './control-plane-thread.js';

const data = workerData as ControlPlaneThreadData;
const log = createLogger(data.logLevel, 'k8ts-server');
const running = startControlPlane(data.cfg, { url: data.url, credentials: data.credentials, log });
parentPort?.on('message', (m) => {
  if (m !== 'stop') return;
  void running.stop().finally(() => {
    log.flush();
    parentPort?.close();
    process.exit(0);
  });
});
