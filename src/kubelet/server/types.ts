// SPDX-License-Identifier: Apache-2.0
// The kubelet's HTTPS server (:10250) and what it needs from the kubelet. The server owns HTTP:
// authentication, authorization, routes, query parsing, log reading and stream handling; the
// backend owns pods and the runtime.
import type { Logger } from 'pino';
import type { Clock } from '../../machinery/clock.js';
import type { Pod } from '../api-types.js';

/** Streams of an exec or attach (kubelet's remotecommand Options). */
export interface StreamParams {
  stdin: boolean;
  stdout: boolean;
  /** Always false with tty: a terminal has one output stream. */
  stderr: boolean;
  tty: boolean;
}

export interface ExecParams extends StreamParams {
  command: readonly string[];
}

/** A container's CRI log file and whether the container still writes to it. */
export interface ContainerLogSource {
  path: string;
  /** Consulted while following: reading stops at the end of the file once this says false. */
  isRunning(): Promise<boolean>;
}

export interface ExecSyncOutput { stdout: Buffer; stderr: Buffer; exitCode: number }

/**
 * What the server needs from the kubelet. A method answers a request the kubelet way by throwing
 * KubeletHttpError (status + plain-text message); any other error answers 500 with its message.
 * The server has already checked that the pod is bound to this node (getPod) and, for logs, that
 * the container is in its spec; the backend decides everything about the runtime.
 */
export interface KubeletServerBackend {
  /** Pods bound to this node (GET /pods). */
  listPods(): readonly Pod[] | Promise<readonly Pod[]>;
  /** A pod bound to this node by namespace and name (kubelet's GetPodByName); undefined when not. */
  getPod(namespace: string, name: string): Pod | undefined | Promise<Pod | undefined>;
  /**
   * The log file to read for a container: the current one, or with `previous` the last terminated
   * one. When there is none, throw KubeletHttpError(400, message) with kubelet's message —
   * containerLogTarget() in src/kubelet/logs picks the container and words the messages.
   */
  containerLog(pod: Pod, container: string, previous: boolean): Promise<ContainerLogSource>;
  /**
   * CRI Exec: the runtime's one-time streaming URL. When the container is not running, throw
   * KubeletHttpError(500, `container not found ("NAME")`) as kubelet does.
   */
  exec(pod: Pod, container: string, params: ExecParams): Promise<string>;
  /** CRI Attach: the runtime's one-time streaming URL. */
  attach(pod: Pod, container: string, params: StreamParams): Promise<string>;
  /**
   * CRI PortForward on the pod's sandbox: the runtime's one-time streaming URL. `ports` are the
   * request's (WebSocket port-forward names them; over SPDY they travel in stream headers and
   * this is empty). One URL serves one kubectl port-forward session, however many connections.
   */
  portForward(pod: Pod, ports: readonly number[]): Promise<string>;
  /** CRI ExecSync (POST /run). */
  execSync(pod: Pod, container: string, command: readonly string[], timeoutSeconds: number): Promise<ExecSyncOutput>;
}

/** An answer with kubelet's status code and plain-text body. */
export class KubeletHttpError extends Error {
  override name = 'KubeletHttpError';
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

export interface KubeletServerOptions {
  /** Address to bind, e.g. the node IP or 0.0.0.0. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The kubelet's serving certificate and key (PEM). */
  tls: { cert: string; key: string };
  /** CA (PEM) whose client certificates are accepted: the cluster CA. */
  clientCA: string;
  backend: KubeletServerBackend;
  log?: Logger;
  clock?: Clock;
}

export interface RunningKubeletServer {
  port: number;
  close(): Promise<void>;
}
