// Runs controllers (or the scheduler, or anything built on ControllerContext) against a test
// cluster through the real client library, as the server does.
import { setMaxListeners } from 'node:events';
import pino from 'pino';
import { createClient, createEventRecorder, createInformerFactory, type ApiClient, type ClientConfig } from '../../src/client/index.js';
import type { ControllerConfig, ControllerContext, ControllerFactory } from '../../src/controllers/runtime/index.js';
import { realClock, type Clock } from '../../src/machinery/clock.js';
import type { TestCluster } from './cluster.js';

export interface ControllerHarness {
  ctx: ControllerContext;
  client: ApiClient;
  /** Stops the controllers, waits for them, closes the client. */
  stop(): Promise<void>;
}

export function clientConfigFor(c: TestCluster): ClientConfig {
  return { server: c.url, caPem: c.pki.ca.certPem, certPem: c.pki.admin.certPem, keyPem: c.pki.admin.keyPem, userAgent: 'k8ts-test' };
}

export function testClient(c: TestCluster): ApiClient {
  return createClient(clientConfigFor(c));
}

export async function startControllerHarness(c: TestCluster, factories: ControllerFactory[], o: { config?: ControllerConfig; clock?: Clock } = {}): Promise<ControllerHarness> {
  const client = testClient(c);
  const log = pino({ level: process.env.K8TS_TEST_LOG ?? 'silent' });
  const clock = o.clock ?? realClock;
  const informers = createInformerFactory(client, { clock, log });
  const events = createEventRecorder(client, { component: 'k8ts-test-controllers' }, { clock, log });
  const ctx: ControllerContext = { client, informers, clock, log, events, config: o.config ?? {} };
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);
  const controllers = factories.map((f) => f(ctx));
  const running = controllers.map((ctl) => ctl.run(abort.signal).catch((e) => log.error({ err: e, controller: ctl.name }, 'controller crashed')));
  informers.start(abort.signal);
  return {
    ctx, client,
    stop: async () => {
      abort.abort();
      await Promise.all(running);
      await events.flush().catch(() => undefined);
      client.close();
    },
  };
}
