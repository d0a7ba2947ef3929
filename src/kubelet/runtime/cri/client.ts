// CriClient: the kubelet's handle on a CRI runtime (containerd, CRI-O) over one gRPC channel.
// Each method is one RPC of runtime.v1 (RuntimeService or ImageService), named as the RPC in
// lowerCamelCase, taking and giving the message shapes of types.ts. A failed call rejects with a
// CriError carrying the gRPC status (see errors.ts). Every call has a deadline.
import * as grpc from '@grpc/grpc-js';
import { CriError } from './errors.js';
import { criServices } from './proto.js';
import type {
  AttachRequest, AuthConfig, Container, ContainerConfig, ContainerEvent, ContainerFilter, ContainerStats,
  ContainerStatsFilter, ContainerStatusResponse, ExecRequest, ExecSyncResult, Image, ImageFilter, ImageFsInfoResponse,
  ImageSpec, ImageStatusResult, LinuxContainerResources, PodSandbox, PodSandboxConfig, PodSandboxFilter,
  PodSandboxStats, PodSandboxStatsFilter, PodSandboxStatusResponse, PortForwardRequest, RuntimeConfigResponse,
  StatusResponse, StringMap, VersionResponse,
} from './types.js';

/** The CRI API version we speak (VersionRequest.version). */
export const CRI_API_VERSION = 'v1';

export interface CriClientOptions {
  /** Deadline of an ordinary call. Default 10 s. */
  timeoutMs?: number;
  /** Deadline of PullImage. Default 2 min. */
  pullTimeoutMs?: number;
  /** Largest message accepted or sent. Default 32 MiB (ExecSync may carry 16 MiB of output). */
  maxMessageBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_PULL_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

type Service = 'runtime' | 'image';
type UnaryMethod = (
  req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: unknown) => void,
) => grpc.ClientUnaryCall;
type StreamMethod = (req: object, md: grpc.Metadata, opts: grpc.CallOptions) => grpc.ClientReadableStream<unknown>;

/**
 * gRPC target for a CRI endpoint: `unix:///abs/path.sock`, a bare absolute socket path, or any
 * target grpc-js understands (`unix:/p`, `host:port`).
 */
export function criTarget(endpoint: string): string {
  if (endpoint.startsWith('/')) return `unix://${endpoint}`;
  return endpoint;
}

const toImageSpec = (image: ImageSpec | string): ImageSpec => (typeof image === 'string' ? { image } : image);

export class CriClient {
  readonly endpoint: string;
  private readonly channel: grpc.Channel;
  private readonly runtime: grpc.Client;
  private readonly image: grpc.Client;
  private readonly timeoutMs: number;
  private readonly pullTimeoutMs: number;

  constructor(endpoint: string, opts: CriClientOptions = {}) {
    this.endpoint = endpoint;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.pullTimeoutMs = opts.pullTimeoutMs ?? DEFAULT_PULL_TIMEOUT_MS;
    const max = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    const channelOptions: grpc.ChannelOptions = {
      'grpc.max_receive_message_length': max,
      'grpc.max_send_message_length': max,
      // Our own subchannel pool: close() then ends the connection at once (the shared pool keeps
      // it ~10 s, holding the process open).
      'grpc.use_local_subchannel_pool': 1,
    };
    const creds = grpc.credentials.createInsecure();
    const target = criTarget(endpoint);
    this.channel = new grpc.Channel(target, creds, channelOptions);
    const { RuntimeService, ImageService } = criServices();
    this.runtime = new RuntimeService(target, creds, { channelOverride: this.channel });
    this.image = new ImageService(target, creds, { channelOverride: this.channel });
  }

  /** Closes the channel; later calls fail. */
  close(): void {
    this.runtime.close();
    this.image.close();
    this.channel.close();
  }

  // ------------------------------------------------------------------ runtime

  version(): Promise<VersionResponse> {
    return this.call('runtime', 'Version', { version: CRI_API_VERSION });
  }

  /** Runtime conditions (RuntimeReady, NetworkReady); verbose adds containerd's config as JSON in info. */
  status(verbose = false): Promise<StatusResponse> {
    return this.call('runtime', 'Status', { verbose });
  }

  /** Newer runtimes only (containerd 1.6 rejects with UNIMPLEMENTED). */
  runtimeConfig(): Promise<RuntimeConfigResponse> {
    return this.call('runtime', 'RuntimeConfig', {});
  }

  async updateRuntimeConfig(podCidr: string): Promise<void> {
    await this.call('runtime', 'UpdateRuntimeConfig', { runtime_config: { network_config: { pod_cidr: podCidr } } });
  }

  /** Creates and starts the pod sandbox; resolves with its id. */
  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    const res = await this.call<{ pod_sandbox_id: string }>(
      'runtime', 'RunPodSandbox', { config, runtime_handler: runtimeHandler }, Math.max(this.timeoutMs, 60_000));
    return res.pod_sandbox_id;
  }

  /** Idempotent: stopping a stopped sandbox succeeds. */
  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.call('runtime', 'StopPodSandbox', { pod_sandbox_id: podSandboxId }, Math.max(this.timeoutMs, 60_000));
  }

  /** Idempotent: removing a removed sandbox succeeds. */
  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.call('runtime', 'RemovePodSandbox', { pod_sandbox_id: podSandboxId }, Math.max(this.timeoutMs, 60_000));
  }

  /** Rejects with NOT_FOUND for an unknown sandbox. */
  podSandboxStatus(podSandboxId: string, verbose = false): Promise<PodSandboxStatusResponse> {
    return this.call('runtime', 'PodSandboxStatus', { pod_sandbox_id: podSandboxId, verbose });
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    const res = await this.call<{ items: PodSandbox[] }>('runtime', 'ListPodSandbox', filter ? { filter } : {});
    return res.items;
  }

  /** Creates a container in the sandbox; resolves with its id. sandboxConfig is the one given to runPodSandbox. */
  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const res = await this.call<{ container_id: string }>('runtime', 'CreateContainer',
      { pod_sandbox_id: podSandboxId, config, sandbox_config: sandboxConfig }, Math.max(this.timeoutMs, 60_000));
    return res.container_id;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.call('runtime', 'StartContainer', { container_id: containerId }, Math.max(this.timeoutMs, 60_000));
  }

  /** SIGTERM (or the image's stop signal), SIGKILL after timeoutSeconds (0 = at once). Idempotent. */
  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const t = Math.max(0, Math.floor(timeoutSeconds));
    await this.call('runtime', 'StopContainer', { container_id: containerId, timeout: t }, t * 1000 + this.timeoutMs);
  }

  /** Idempotent: removing a removed container succeeds. */
  async removeContainer(containerId: string): Promise<void> {
    await this.call('runtime', 'RemoveContainer', { container_id: containerId }, Math.max(this.timeoutMs, 60_000));
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    const res = await this.call<{ containers: Container[] }>('runtime', 'ListContainers', filter ? { filter } : {});
    return res.containers;
  }

  /** Rejects with NOT_FOUND for an unknown container. */
  containerStatus(containerId: string, verbose = false): Promise<ContainerStatusResponse> {
    return this.call('runtime', 'ContainerStatus', { container_id: containerId, verbose });
  }

  async updateContainerResources(containerId: string, linux: LinuxContainerResources, annotations?: StringMap): Promise<void> {
    await this.call('runtime', 'UpdateContainerResources',
      { container_id: containerId, linux, ...(annotations ? { annotations } : {}) });
  }

  /** Asks the runtime to reopen the container's log file (after the kubelet rotated it). */
  async reopenContainerLog(containerId: string): Promise<void> {
    await this.call('runtime', 'ReopenContainerLog', { container_id: containerId });
  }

  /** Runs cmd in the container and waits; timeoutSeconds 0 = no limit. A non-zero exit is not an error. */
  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    const t = Math.max(0, Math.floor(timeoutSeconds));
    const res = await this.call<ExecSyncResult>('runtime', 'ExecSync',
      { container_id: containerId, cmd, timeout: t }, t > 0 ? t * 1000 + this.timeoutMs : null);
    return { stdout: res.stdout ?? Buffer.alloc(0), stderr: res.stderr ?? Buffer.alloc(0), exit_code: res.exit_code };
  }

  /** A one-time URL on the runtime's stream server (WebSocket, v4.channel.k8s.io). */
  async exec(req: ExecRequest): Promise<string> {
    return (await this.call<{ url: string }>('runtime', 'Exec', req)).url;
  }

  async attach(req: AttachRequest): Promise<string> {
    return (await this.call<{ url: string }>('runtime', 'Attach', req)).url;
  }

  async portForward(req: PortForwardRequest): Promise<string> {
    return (await this.call<{ url: string }>('runtime', 'PortForward', req)).url;
  }

  /** Undefined if the runtime answered without stats. Rejects with NOT_FOUND for an unknown container. */
  async containerStats(containerId: string): Promise<ContainerStats | undefined> {
    const res = await this.call<{ stats: ContainerStats | null }>('runtime', 'ContainerStats', { container_id: containerId });
    return res.stats ?? undefined;
  }

  async listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]> {
    const res = await this.call<{ stats: ContainerStats[] }>('runtime', 'ListContainerStats', filter ? { filter } : {});
    return res.stats;
  }

  async podSandboxStats(podSandboxId: string): Promise<PodSandboxStats | undefined> {
    const res = await this.call<{ stats: PodSandboxStats | null }>('runtime', 'PodSandboxStats', { pod_sandbox_id: podSandboxId });
    return res.stats ?? undefined;
  }

  async listPodSandboxStats(filter?: PodSandboxStatsFilter): Promise<PodSandboxStats[]> {
    const res = await this.call<{ stats: PodSandboxStats[] }>('runtime', 'ListPodSandboxStats', filter ? { filter } : {});
    return res.stats;
  }

  /**
   * Container lifecycle events as they happen (GetContainerEvents). Newer runtimes only: on containerd
   * 1.6 the iteration throws a CriError UNIMPLEMENTED. Ends when signal aborts (without error).
   */
  async *containerEvents(signal?: AbortSignal): AsyncGenerator<ContainerEvent> {
    const method = this.method<StreamMethod>('runtime', 'GetContainerEvents');
    const stream = method.call(this.runtime, {}, new grpc.Metadata(), {});
    const onAbort = (): void => stream.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const ev of stream) yield ev as ContainerEvent;
    } catch (e) {
      if (signal?.aborted) return;
      throw CriError.fromServiceError('GetContainerEvents', e);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      stream.cancel();
    }
  }

  // ------------------------------------------------------------------ images

  /** Note: containerd 1.6 ignores the filter and lists every image. */
  async listImages(filter?: ImageFilter): Promise<Image[]> {
    const res = await this.call<{ images: Image[] }>('image', 'ListImages', filter ? { filter } : {});
    return res.images;
  }

  /** The image if present on the node, undefined if not (never NOT_FOUND). */
  async imageStatus(image: ImageSpec | string, verbose = false): Promise<Image | undefined> {
    const res = await this.call<{ image: Image | null }>('image', 'ImageStatus', { image: toImageSpec(image), verbose });
    return res.image ?? undefined;
  }

  /** imageStatus with verbose info (containerd: JSON under info.info with the image config). */
  async imageStatusInfo(image: ImageSpec | string): Promise<ImageStatusResult | undefined> {
    const res = await this.call<{ image: Image | null; info: StringMap }>(
      'image', 'ImageStatus', { image: toImageSpec(image), verbose: true });
    return res.image ? { image: res.image, info: res.info } : undefined;
  }

  /**
   * Pulls from the registry (always contacts it, even when present); resolves with the image ref (id).
   * auth.server_address may be "HOST[:PORT]" or a URL: containerd 1.6 parses it as a URL and rejects a
   * bare "HOST:PORT", so a scheme is added when missing (only the host part is compared).
   */
  async pullImage(image: ImageSpec | string, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string> {
    const req: Record<string, unknown> = { image: toImageSpec(image) };
    if (auth) {
      const server = auth.server_address;
      req['auth'] = server && !server.includes('://') ? { ...auth, server_address: `https://${server}` } : auth;
    }
    if (sandboxConfig) req['sandbox_config'] = sandboxConfig;
    const res = await this.call<{ image_ref: string }>('image', 'PullImage', req, this.pullTimeoutMs);
    return res.image_ref;
  }

  /** Idempotent: removing a missing image succeeds. */
  async removeImage(image: ImageSpec | string): Promise<void> {
    await this.call('image', 'RemoveImage', { image: toImageSpec(image) }, Math.max(this.timeoutMs, 60_000));
  }

  imageFsInfo(): Promise<ImageFsInfoResponse> {
    return this.call('image', 'ImageFsInfo', {});
  }

  // ------------------------------------------------------------------ plumbing

  private method<M>(svc: Service, rpc: string): M {
    const client = svc === 'runtime' ? this.runtime : this.image;
    const m = (client as unknown as Record<string, unknown>)[rpc];
    if (typeof m !== 'function') throw new Error(`CRI: no method ${rpc} in api.proto`);
    return m as M;
  }

  /** One unary call with a deadline (timeoutMs; null = none). */
  private call<Res>(svc: Service, rpc: string, req: object, timeoutMs: number | null = this.timeoutMs): Promise<Res> {
    const client = svc === 'runtime' ? this.runtime : this.image;
    const method = this.method<UnaryMethod>(svc, rpc);
    const opts: grpc.CallOptions = timeoutMs === null ? {} : { deadline: Date.now() + timeoutMs };
    return new Promise<Res>((resolve, reject) => {
      try {
        method.call(client, req, new grpc.Metadata(), opts, (err, res) => {
          if (err) reject(CriError.fromServiceError(rpc, err));
          else resolve(res as Res);
        });
      } catch (e) {
        // Serialisation errors (a wrong field type) are thrown synchronously.
        reject(CriError.fromServiceError(rpc, e));
      }
    });
  }
}
