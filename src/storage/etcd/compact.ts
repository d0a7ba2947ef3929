// Compaction shared by several servers on one etcd, the way kube-apiserver coordinates it
// (staging/src/k8s.io/apiserver/pkg/storage/etcd3/compact.go): one key holds the compacted
// revision, and its version is a logical clock. A server records a compaction with a Txn that
// holds only if nobody recorded one since it looked, and only the winner asks etcd to compact.
// So the recorded revision never goes down, and two servers compacting at once cannot undo each
// other. etcd itself does not report its compacted revision on reads; the record is how every
// server knows it.
import type { StoreLogger } from '../sqlite/index.js';
import { FutureRevisionError } from '../types.js';
import type { EtcdClient } from './client.js';
import { isCompactedError } from './errors.js';
import { CompareResult, CompareTarget } from './proto.js';
import type { PbKeyValue, PbRangeResponse, PbTxnResponse } from './proto.js';

function recordedRevision(kv: PbKeyValue | undefined): number {
  const n = kv === undefined ? 0 : Number(kv.value.toString('utf8'));
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

export class CompactionRecord {
  /** The highest compacted revision seen: recorded, or reported by etcd. */
  known = 0;

  constructor(
    private readonly client: EtcdClient,
    readonly key: Buffer,
    private readonly logger: StoreLogger | undefined,
  ) {}

  learn(revision: number): void {
    if (revision > this.known) this.known = revision;
  }

  /** The compacted revision, read afresh (another server may have compacted). */
  async read(): Promise<number> {
    const res = await this.client.call<PbRangeResponse>('Range', { key: this.key }, 'read');
    this.learn(recordedRevision(res.kvs[0]));
    return this.known;
  }

  /** Compacts etcd to `revision` unless it already is; a future revision is an error. */
  async compact(revision: number): Promise<void> {
    for (;;) {
      const res = await this.client.call<PbRangeResponse>('Range', { key: this.key }, 'read');
      const current = res.header.revision;
      if (revision > current) throw new FutureRevisionError(revision, current);
      const kv = res.kvs[0];
      const recorded = recordedRevision(kv);
      this.learn(recorded);
      if (revision <= recorded) return;
      const txn = await this.client.call<PbTxnResponse>('Txn', {
        compare: [{ key: this.key, target: CompareTarget.VERSION, result: CompareResult.EQUAL, version: kv?.version ?? 0 }],
        success: [{ request_put: { key: this.key, value: Buffer.from(String(revision), 'utf8') } }],
        failure: [],
      }, 'write');
      // Another server recorded a compaction since we looked: decide again from its record.
      if (!txn.succeeded) continue;
      const started = Date.now();
      try {
        await this.client.call('Compact', { revision, physical: true }, 'read');
      } catch (e) {
        // A later compaction (another server's) reached etcd first.
        if (!isCompactedError(e)) throw e;
      }
      this.learn(revision);
      this.logger?.info({ from: recorded, to: revision, ms: Date.now() - started }, 'etcd: compacted');
      return;
    }
  }
}
