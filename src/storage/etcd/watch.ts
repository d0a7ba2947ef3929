// A Store watch over etcd's Watch stream, kept gap-free across member failures: the stream is
// reopened on another member from the revision after the last one received (etcd's own client
// resumes the same way), and nothing at or below that revision is delivered twice.
import * as grpc from '@grpc/grpc-js';
import type { StoreLogger } from '../sqlite/index.js';
import { RevisionCompactedError } from '../types.js';
import type { WatchEvent } from '../types.js';
import type { EtcdClient, Member, WatchStream } from './client.js';
import type { KeySpace } from './keys.js';
import { EventType } from './proto.js';
import type { PbEvent, PbWatchResponse } from './proto.js';

export interface WatchContext {
  readonly client: EtcdClient;
  readonly keys: KeySpace;
  readonly logger: StoreLogger | undefined;
  /** Told the compacted revision etcd reports when it refuses a start revision. */
  learnCompacted(revision: number): void;
}

/** Events buffered for a slow consumer before the stream is paused (etcd then holds them). */
const HIGH_WATER = 10_000;
const LOW_WATER = 1_000;
const MAX_BACKOFF_MS = 2_000;

/** Errors no other member would answer differently. */
const FATAL_CODES = new Set<number>([
  grpc.status.INVALID_ARGUMENT, grpc.status.PERMISSION_DENIED, grpc.status.UNAUTHENTICATED, grpc.status.UNIMPLEMENTED,
]);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Receives one watched range into a queue that the store's async iterator drains. Created
 * started; ended by the signal, close(), a compacted start revision or a fatal error.
 */
export class WatchFeed {
  private queue: WatchEvent[] = [];
  private head = 0;
  private wake: (() => void) | undefined;
  private failure: unknown;
  private ended = false;
  /** Revision of the last event queued: the stream resumes after it. */
  private last: number;
  private call: WatchStream | undefined;
  private member: Member | undefined;
  private fragments: PbEvent[] = [];
  private backoffMs = 0;
  private paused = false;

  constructor(
    private readonly ctx: WatchContext,
    private readonly range: { key: Buffer; range_end: Buffer },
    afterRevision: number,
    private readonly signal: AbortSignal,
  ) {
    this.last = afterRevision;
    signal.addEventListener('abort', this.onAbort, { once: true });
    void this.connect();
  }

  /** The next event; undefined once the watch has ended. */
  async next(): Promise<WatchEvent | undefined> {
    for (;;) {
      if (this.ended && this.failure === undefined) return undefined;
      if (this.head < this.queue.length) return this.take();
      if (this.failure !== undefined) throw this.failure;
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.signal.removeEventListener('abort', this.onAbort);
    this.detach();
    this.notify();
  }

  private readonly onAbort = (): void => this.close();

  private take(): WatchEvent {
    const ev = this.queue[this.head++] as WatchEvent;
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.paused && this.queue.length - this.head <= LOW_WATER) {
      this.paused = false;
      this.call?.resume();
    }
    return ev;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private fail(err: unknown): void {
    if (this.ended) return;
    this.failure = err;
    this.close();
  }

  private async connect(): Promise<void> {
    if (this.backoffMs > 0) await sleep(this.backoffMs);
    if (this.ended) return;
    let m: Member;
    try {
      m = await this.ctx.client.ready(Infinity, this.signal);
    } catch (e) {
      if (!this.ended) this.fail(e);
      return;
    }
    if (this.ended) return;
    const call = this.ctx.client.openWatch(m);
    this.call = call;
    this.member = m;
    this.fragments = [];
    this.paused = false;
    call.on('data', (res: PbWatchResponse) => { if (call === this.call) this.onResponse(res); });
    call.on('error', (err: unknown) => { if (call === this.call) this.onBroken(err); });
    call.on('end', () => { if (call === this.call) this.onBroken(new Error('etcd ended the watch stream')); });
    call.write({
      create_request: { ...this.range, start_revision: this.last + 1, prev_kv: true, fragment: true },
    });
  }

  private onResponse(res: PbWatchResponse): void {
    if (res.canceled) {
      if (res.compact_revision > 0) {
        this.ctx.learnCompacted(res.compact_revision);
        this.fail(new RevisionCompactedError(this.last, res.compact_revision));
        return;
      }
      // Not about our revision (the member lost its leader, or is stopping): resume elsewhere.
      this.onBroken(new Error(`etcd canceled the watch: ${res.cancel_reason || 'no reason given'}`));
      return;
    }
    if (res.created) {
      this.backoffMs = 0;
      return;
    }
    if (res.fragment) {
      this.fragments.push(...res.events);
      return;
    }
    const events = this.fragments.length > 0 ? [...this.fragments, ...res.events] : res.events;
    this.fragments = [];
    // One txn's events share a revision and arrive together, so comparing with the revision
    // reached before this response drops only what an earlier stream already delivered.
    const before = this.last;
    for (const ev of events) {
      const rev = ev.kv.mod_revision;
      if (rev <= before) continue;
      this.queue.push(this.toWatchEvent(ev));
      if (rev > this.last) this.last = rev;
    }
    if (!this.paused && this.queue.length - this.head >= HIGH_WATER) {
      this.paused = true;
      this.call?.pause();
    }
    this.notify();
  }

  private onBroken(err: unknown): void {
    if (this.ended) return;
    const m = this.member;
    this.detach();
    if (FATAL_CODES.has((err as Partial<grpc.ServiceError>).code ?? -1)) {
      this.fail(err);
      return;
    }
    if (m !== undefined) this.ctx.client.avoid(m);
    this.backoffMs = Math.min(Math.max(100, this.backoffMs * 2), MAX_BACKOFF_MS);
    this.ctx.logger?.warn(
      { endpoint: m?.endpoint, after: this.last, err: err instanceof Error ? err.message : String(err) },
      'etcd: watch stream broken; resuming',
    );
    void this.connect();
  }

  private detach(): void {
    const call = this.call;
    this.call = undefined;
    this.member = undefined;
    // Our listeners stay attached (and ignore it) so the CANCELLED error is not unhandled.
    call?.cancel();
  }

  private toWatchEvent(ev: PbEvent): WatchEvent {
    const keys = this.ctx.keys;
    const prev = ev.prev_kv ? keys.keyValue(ev.prev_kv) : undefined;
    if (ev.type === EventType.DELETE) {
      // etcd's delete event holds only the key and the delete's revision; the value is prev's.
      const kv = {
        key: keys.storeKey(ev.kv.key),
        value: prev?.value ?? Buffer.alloc(0),
        createRevision: prev?.createRevision ?? 0,
        modRevision: ev.kv.mod_revision,
      };
      return prev ? { type: 'delete', kv, prev } : { type: 'delete', kv };
    }
    const kv = keys.keyValue(ev.kv);
    if (kv.createRevision === kv.modRevision) return { type: 'create', kv };
    return prev ? { type: 'update', kv, prev } : { type: 'update', kv };
  }
}
