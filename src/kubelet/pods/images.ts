// Getting a container's image onto the node as its imagePullPolicy says (pkg/kubelet/images):
// Never uses what is there, IfNotPresent pulls when missing, Always asks the registry every time.
// Credentials come from the pod's imagePullSecrets (dockerconfigjson/dockercfg) for the image's
// registry. Failures back off per image (ErrImagePull, then ImagePullBackOff).
import type { Container, Pod, Secret } from '../api-types.js';
import type { AuthConfig, CriClient, PodSandboxConfig } from '../runtime/cri/index.js';
import { isCriError } from '../runtime/cri/index.js';
import { Backoff } from './backoff.js';

export class ImagePullError extends Error {
  constructor(readonly reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName', message: string, readonly event?: string) {
    super(message);
  }
}

export interface PullEvents {
  normal(reason: string, message: string): void;
  warning(reason: string, message: string): void;
}

/** Registry host of an image reference ("nginx" → docker.io). */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : 'docker.io';
}

const GO_CODES: Record<string, string> = {
  CANCELLED: 'Canceled', UNKNOWN: 'Unknown', INVALID_ARGUMENT: 'InvalidArgument', DEADLINE_EXCEEDED: 'DeadlineExceeded', NOT_FOUND: 'NotFound',
  ALREADY_EXISTS: 'AlreadyExists', PERMISSION_DENIED: 'PermissionDenied', RESOURCE_EXHAUSTED: 'ResourceExhausted', FAILED_PRECONDITION: 'FailedPrecondition',
  ABORTED: 'Aborted', OUT_OF_RANGE: 'OutOfRange', UNIMPLEMENTED: 'Unimplemented', INTERNAL: 'Internal', UNAVAILABLE: 'Unavailable', DATA_LOSS: 'DataLoss', UNAUTHENTICATED: 'Unauthenticated',
};

/** A CRI error as a Go gRPC client prints it ("rpc error: code = NotFound desc = ..."). */
export function rpcErrorText(e: unknown): string {
  if (isCriError(e)) return `rpc error: code = ${GO_CODES[e.grpcCode] ?? e.grpcCode} desc = ${e.details}`;
  return e instanceof Error ? e.message : String(e);
}

function credentialsFor(image: string, secrets: readonly Secret[]): AuthConfig[] {
  const host = registryOf(image);
  const out: AuthConfig[] = [];
  for (const s of secrets) {
    const raw = s.data?.['.dockerconfigjson'] ?? s.data?.['.dockercfg'];
    if (!raw) continue;
    let doc: Record<string, unknown>;
    try { doc = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Record<string, unknown>; } catch { continue; }
    const auths = (s.data?.['.dockerconfigjson'] ? doc.auths : doc) as Record<string, { username?: string; password?: string; auth?: string }> | undefined;
    for (const [key, v] of Object.entries(auths ?? {})) {
      const k = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
      const matches = k === host || (host === 'docker.io' && (k === 'index.docker.io' || k === 'registry-1.docker.io'));
      if (!matches) continue;
      let { username = '', password = '' } = v;
      if ((!username || !password) && v.auth) {
        const dec = Buffer.from(v.auth, 'base64').toString('utf8');
        const i = dec.indexOf(':');
        if (i > 0) { username = dec.slice(0, i); password = dec.slice(i + 1); }
      }
      out.push({ username, password, server_address: k });
    }
  }
  return out;
}

export class ImageManager {
  readonly #backoff = new Backoff(10_000, 300_000);

  constructor(private readonly cri: CriClient, private readonly now: () => number) {}

  /**
   * The image to create the container with (its name: the runtime resolves it to what it holds),
   * pulling it first when the policy says so.
   * Throws ImagePullError with the waiting reason and message kube shows.
   */
  async ensure(pod: Pod, c: Container, secrets: () => Promise<Secret[]>, sandbox: PodSandboxConfig, ev: PullEvents): Promise<string> {
    const image = c.image ?? '';
    if (!image) throw new ImagePullError('InvalidImageName', 'Failed to apply default image tag "": couldn\'t parse image name "": invalid reference format');
    const untagged = !/[:@][^/]*$/.test(image) || image.endsWith(':latest');
    const policy = c.imagePullPolicy ?? (untagged ? 'Always' : 'IfNotPresent');
    const present = policy === 'Always' ? undefined : await this.cri.imageStatus(image);
    if (present) {
      ev.normal('Pulled', `Container image "${image}" already present on machine`);
      return image;
    }
    if (policy === 'Never') {
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      ev.warning('ErrImageNeverPull', msg);
      throw new ImagePullError('ErrImageNeverPull', msg);
    }
    const key = `${pod.metadata?.uid}/${image}`;
    const now = this.now();
    if (this.#backoff.remaining(key, now) > 0) {
      const msg = `Back-off pulling image "${image}"`;
      ev.normal('BackOff', msg);
      throw new ImagePullError('ImagePullBackOff', msg);
    }
    ev.normal('Pulling', `Pulling image "${image}"`);
    const creds = credentialsFor(image, await secrets());
    const t0 = this.now();
    let lastErr: unknown;
    for (const auth of creds.length ? creds : [undefined]) {
      try {
        const ref = await this.cri.pullImage(image, auth, sandbox);
        this.#backoff.reset(key);
        const secs = ((this.now() - t0) / 1000).toFixed(3);
        const info = await this.cri.imageStatus(ref).catch(() => undefined);
        ev.normal('Pulled', `Successfully pulled image "${image}" in ${secs}s (${secs}s including waiting).${info?.size ? ` Image size: ${info.size} bytes.` : ''}`);
        return image;
      } catch (e) {
        lastErr = e;
      }
    }
    this.#backoff.failed(key, String(now), now);
    const text = rpcErrorText(lastErr);
    ev.warning('Failed', `Failed to pull image "${image}": ${text}`);
    throw new ImagePullError('ErrImagePull', text);
  }

  forgetPod(uid: string): void { this.#backoff.forgetPrefix(`${uid}/`); }

  /** When the image's back-off ends (0 if not backing off). */
  retryInMs(pod: Pod, image: string): number { return this.#backoff.remaining(`${pod.metadata?.uid}/${image}`, this.now()); }
}
