// The scheduler and the controllers of `k8ts server`: API clients of the server in the same
// process, each set under its own Lease (kube-scheduler, kube-controller-manager).
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { createClient } from '../client/index.js';
import { CONTROLLERS, startManager, type ControllerConfig, type RunningManager } from '../controllers/index.js';
import { createScheduler } from '../scheduler/index.js';
import { FlagError } from './flags.js';

export interface ControlPlaneConfig {
  scheduler: boolean;
  /** Controller names not to run; "all" for none. */
  disabledControllers: readonly string[];
  leaderElect: boolean;
  controllers: ControllerConfig;
}

export function enabledControllers(disabled: readonly string[]): string[] {
  if (disabled.includes('all')) return [];
  for (const name of disabled) {
    if (!(name in CONTROLLERS)) throw new FlagError(`--disable-controllers: unknown controller "${name}" (known: ${Object.keys(CONTROLLERS).join(', ')})`);
  }
  return Object.keys(CONTROLLERS).filter((n) => !disabled.includes(n));
}

export interface Credentials { caPem: string; certPem: string; keyPem: string }

/** Runs the control plane on this thread (tests; the server runs it on its own thread, control-plane-thread.ts). */
export function startControlPlane(cfg: ControlPlaneConfig, o: { url: string; credentials: Credentials; log: Logger }): { stop(): Promise<void> } {
  const client = createClient({ server: o.url, ...o.credentials, userAgent: 'k8ts-server' });
  const identity = `${hostname()}_${randomUUID()}`;
  const managers: RunningManager[] = [];
  const names = enabledControllers(cfg.disabledControllers);
  if (names.length) {
    managers.push(startManager({
      name: 'kube-controller-manager', client, log: o.log, identity, leaderElect: cfg.leaderElect,
      factories: names.map((n) => CONTROLLERS[n]!), config: cfg.controllers,
    }));
  }
  if (cfg.scheduler) {
    managers.push(startManager({
      name: 'kube-scheduler', client, log: o.log, identity, leaderElect: cfg.leaderElect,
      factories: [(ctx) => createScheduler(ctx)], config: cfg.controllers,
    }));
  }
  return {
    stop: async () => {
      await Promise.all(managers.map((m) => m.stop()));
      client.close();
    },
  };
}
