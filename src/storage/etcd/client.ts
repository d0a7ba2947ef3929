// One gRPC channel per etcd member, and the choice of member for each call. etcd's own client
// balances the same way: stay on a healthy member, move on when it fails.
//
// Retries follow clientv3's rule: a read may be retried anywhere; a write only when it cannot
// have been applied (it never left this process, or etcd refused it for want of a leader).
// Every call carries "hasleader", so a member cut off from the cluster refuses at once instead of
// holding the call until its deadline, and cancels watches instead of letting them go silent.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { StoreLogger } from '../sqlite/index.js';
import { errorText } from './errors.js';
import { etcdServices } from './proto.js';
import type { PbWatchRequest, PbWatchResponse } from './proto.js';

export interface EtcdTlsFiles {
  /** CA bundle that signed the members' serving certificates (absent: the system roots). */
  caFile?: string;
  /** Client certificate and key, for etcd's --client-cert-auth. */
  certFile?: string;
  keyFile?: string;
}

export interface EtcdClientOptions {
  /** Members as host:port, http://host:port or https://host:port. */
  endpoints: readonly string[];
  /** TLS material; TLS is used when this is given or the endpoints say https://. */
  tls?: EtcdTlsFiles;
  /** Deadline of one store operation, retries included. */
  requestTimeoutMs: number;
  logger?: StoreLogger;
}

export interface Member {
  readonly endpoint: string;
  readonly channel: grpc.Channel;
  readonly kv: grpc.Client;
  readonly watch: grpc.Client;
}

/** 'read': safe to repeat. 'write': repeated only when it certainly did not happen. */
export type RetryPolicy = 'read' | 'write';
export type KvMethod = 'Range' | 'Txn' | 'Compact';
export type WatchStream = grpc.ClientDuplexStream<PbWatchRequest, PbWatchResponse>;

type UnaryMethod = (
  req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: unknown) => void,
) => grpc.ClientUnaryCall;
type StreamMethod = (md: grpc.Metadata, opts?: grpc.CallOptions) => WatchStream;

const { READY, SHUTDOWN } = grpc.connectivityState;

export class EtcdUnavailableError extends Error {
  constructor(endpoints: readonly string[]) {
    super(`etcd: no member reachable (${endpoints.join(', ')})`);
    this.name = 'EtcdUnavailableError';
  }
}

interface ParsedEndpoints { targets: string[]; https: boolean | undefined }

/** host:port targets of the endpoints, and whether their scheme asks for TLS (undefined: none given). */
export function parseEndpoints(endpoints: readonly string[]): ParsedEndpoints {
  if (endpoints.length === 0) throw new Error('etcd: no endpoints given');
  let https: boolean | undefined;
  const targets = endpoints.map((raw) => {
    const m = /^(?:(https?):\/\/)?([^/?#]+)\/?$/.exec(raw.trim());
    if (m === null) throw new Error(`etcd endpoint "${raw}": expected host:port, http://host:port or https://host:port`);
    const scheme = m[1];
    if (scheme !== undefined) {
      const tls = scheme === 'https';
      if (https !== undefined && https !== tls) throw new Error('etcd endpoints mix http:// and https://');
      https = tls;
    }
    const hostPort = m[2] ?? '';
    // A bare host (or [v6]) gets etcd's client port.
    return /:\d+$/.test(hostPort) ? hostPort : `${hostPort}:2379`;
  });
  return { targets, https };
}

function credentials(tls: EtcdTlsFiles | undefined, https: boolean | undefined): grpc.ChannelCredentials {
  const wantTls = https === true || (tls !== undefined && (tls.caFile ?? tls.certFile ?? tls.keyFile) !== undefined);
  if (https === false && wantTls) throw new Error('etcd: TLS files given for http:// endpoints; use https://');
  if (!wantTls) return grpc.credentials.createInsecure();
  if ((tls?.certFile === undefined) !== (tls?.keyFile === undefined)) {
    throw new Error('etcd: a client certificate needs both its certificate and key file');
  }
  const read = (f: string | undefined): Buffer | null => (f === undefined ? null : readFileSync(f));
  return grpc.credentials.createSsl(read(tls?.caFile), read(tls?.keyFile), read(tls?.certFile));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a failed call may be sent again (see the file comment). */
export function retryable(e: unknown, policy: RetryPolicy): boolean {
  if ((e as Partial<grpc.ServiceError>).code !== grpc.status.UNAVAILABLE) return false;
  if (policy === 'read') return true;
  const text = errorText(e);
  return text.includes('etcdserver: no leader') || text.startsWith('No connection established');
}

export class EtcdClient {
  readonly endpoints: readonly string[];
  private readonly members: Member[];
  private readonly timeoutMs: number;
  private readonly logger: StoreLogger | undefined;
  private readonly metadata = new grpc.Metadata();
  private current = 0;
  private closed = false;

  constructor(opts: EtcdClientOptions) {
    const { targets, https } = parseEndpoints(opts.endpoints);
    const creds = credentials(opts.tls, https);
    this.endpoints = targets;
    this.timeoutMs = opts.requestTimeoutMs;
    this.logger = opts.logger;
    this.metadata.set('hasleader', 'true');
    const channelOptions: grpc.ChannelOptions = {
      // etcd sends watch batches far larger than gRPC's default 4 MiB limit.
      'grpc.max_receive_message_length': -1,
      // Finds a member that stopped answering without closing its connection. kube-apiserver's
      // values; etcd refuses pings more often than every 5 s.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      // A member that comes back is noticed within seconds, not gRPC's default two minutes.
      'grpc.initial_reconnect_backoff_ms': 250,
      'grpc.max_reconnect_backoff_ms': 3_000,
      // Our own connections: close() then ends them at once.
      'grpc.use_local_subchannel_pool': 1,
      // HTTP/2's default 64 KiB window holds about twenty 3 KiB events: under sustained writes etcd
      // then waits for window updates from a busy event loop and the watch cache falls seconds behind.
      'grpc-node.flow_control_window': 16 << 20,
    };
    const { KV, Watch } = etcdServices();
    this.members = targets.map((endpoint) => {
      const channel = new grpc.Channel(endpoint, creds, channelOptions);
      return {
        endpoint,
        channel,
        kv: new KV(endpoint, creds, { channelOverride: channel }),
        watch: new Watch(endpoint, creds, { channelOverride: channel }),
      };
    });
  }

  /** One KV call, moved to another member and repeated as the policy allows, within the deadline. */
  async call<Res>(method: KvMethod, req: object, policy: RetryPolicy): Promise<Res> {
    const deadline = Date.now() + this.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const m = await this.ready(deadline);
      try {
        return await this.unary<Res>(m, method, req, deadline);
      } catch (e) {
        if (this.closed || !retryable(e, policy) || Date.now() >= deadline) throw e;
        this.avoid(m);
        this.logger?.warn({ endpoint: m.endpoint, method, err: errorText(e) }, 'etcd: call failed; trying again');
        await sleep(Math.min(50 * 2 ** attempt, 1_000));
      }
    }
  }

  /** A watch stream on a connected member. */
  openWatch(m: Member): WatchStream {
    const method = (m.watch as unknown as Record<string, StreamMethod>)['Watch'];
    if (method === undefined) throw new Error('etcd: Watch method missing from the service definition');
    return method.call(m.watch, this.metadata.clone());
  }

  /**
   * A member with a live connection: the current one if it is, else the next that is, waiting
   * for one to connect until `deadline` (ms since the epoch; Infinity: until `signal` aborts).
   */
  async ready(deadline: number, signal?: AbortSignal): Promise<Member> {
    const n = this.members.length;
    for (;;) {
      if (this.closed) throw new Error('etcd client is closed');
      if (signal?.aborted === true) throw signal.reason;
      for (let i = 0; i < n; i++) {
        const idx = (this.current + i) % n;
        const m = this.members[idx];
        // Asking with tryToConnect also wakes idle members, so a spare is connected when needed.
        if (m !== undefined && m.channel.getConnectivityState(true) === READY) {
          this.current = idx;
          return m;
        }
      }
      if (Date.now() >= deadline) throw new EtcdUnavailableError(this.endpoints);
      await this.anyStateChange(Math.min(deadline, Date.now() + 1_000), signal);
    }
  }

  /** Prefer another member for the next call (this one just failed). */
  avoid(m: Member): void {
    const idx = this.members.indexOf(m);
    if (idx === this.current) this.current = (idx + 1) % this.members.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const m of this.members) {
      m.kv.close();
      m.watch.close();
      m.channel.close();
    }
  }

  private unary<Res>(m: Member, method: KvMethod, req: object, deadline: number): Promise<Res> {
    const fn = (m.kv as unknown as Record<string, UnaryMethod>)[method];
    if (fn === undefined) return Promise.reject(new Error(`etcd: KV.${method} missing from the service definition`));
    return new Promise<Res>((resolve, reject) => {
      fn.call(m.kv, req, this.metadata.clone(), { deadline }, (err, res) => {
        if (err !== null) reject(err);
        else resolve(res as Res);
      });
    });
  }

  private anyStateChange(until: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      signal?.addEventListener('abort', finish, { once: true });
      // Also when every channel is shut down and nothing will change.
      timer = setTimeout(finish, Math.max(0, until - Date.now()));
      for (const m of this.members) {
        const state = m.channel.getConnectivityState(false);
        if (state !== SHUTDOWN) m.channel.watchConnectivityState(state, until, finish);
      }
    });
  }
}
