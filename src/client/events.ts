// Records core/v1 Events about objects, as client-go's recorder: a repeat of the same
// (object, type, reason, message) bumps count and lastTimestamp instead of creating another Event.
import type { Logger } from 'pino';
import type { KubeObject } from '../machinery/object.js';
import { realClock, type Clock } from '../machinery/clock.js';
import type { ApiClient, EventRecorder } from './types.js';
import { R } from './resources.js';

export interface EventSource { component: string; host?: string }

interface Seen { name: string; namespace: string; count: number; at: number }

const MAX_CACHED = 4096;
const MAX_IN_FLIGHT = 16;

export interface RecorderOptions { clock?: Clock; log?: Logger }

export function createEventRecorder(client: ApiClient, source: EventSource, o: RecorderOptions = {}): EventRecorder & { flush(): Promise<void> } {
  const clock = o.clock ?? realClock;
  const seen = new Map<string, Seen>();
  const pending: (() => Promise<void>)[] = [];
  const inFlight = new Set<Promise<void>>();

  function pump(): void {
    while (inFlight.size < MAX_IN_FLIGHT && pending.length) {
      const job = pending.shift()!;
      const p: Promise<void> = job().catch((e) => o.log?.debug({ err: e }, 'event not recorded')).finally(() => { inFlight.delete(p); pump(); });
      inFlight.add(p);
    }
  }

  return {
    record(obj: Readonly<KubeObject>, type, reason, message) {
      const meta = obj.metadata ?? {};
      const namespace = meta.namespace || 'default';
      const key = [obj.kind, namespace, meta.name, meta.uid, type, reason, message].join('\u0000');
      const now = new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
      const prior = seen.get(key);
      if (prior) {
        prior.count++;
        const count = prior.count;
        pending.push(async () => {
          try {
            await client.patch(R.events, prior.namespace, prior.name, { count, lastTimestamp: now }, 'merge');
          } catch (e) {
            if ((e as { code?: number }).code !== 404) throw e;
            seen.delete(key); // the Event expired or was deleted: start a new one
          }
        });
        pump();
        return;
      }
      const name = `${meta.name ?? 'unknown'}.${(clock.now() * 1e6 + Math.floor(Math.random() * 1e6)).toString(16)}`;
      if (seen.size >= MAX_CACHED) seen.delete(seen.keys().next().value!);
      seen.set(key, { name, namespace, count: 1, at: clock.now() });
      const event: KubeObject = {
        apiVersion: 'v1', kind: 'Event',
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: obj.apiVersion, kind: obj.kind, name: meta.name, uid: meta.uid,
          ...(meta.namespace ? { namespace: meta.namespace } : {}), resourceVersion: meta.resourceVersion,
        },
        reason, message, type, count: 1,
        source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
        firstTimestamp: now, lastTimestamp: now,
        reportingComponent: source.component, reportingInstance: source.host ?? '',
      };
      pending.push(async () => { await client.create(R.events, namespace, event); });
      pump();
    },
    async flush() {
      while (pending.length || inFlight.size) await Promise.race([...inFlight, new Promise((r) => setTimeout(r, 5))]);
    },
  };
}
