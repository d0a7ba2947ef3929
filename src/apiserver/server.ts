// The API server: HTTPS, authentication, then discovery, OpenAPI, health, or a resource handler.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveUpgrades } from '../streaming/index.js';
import type { Logger } from 'pino';
import type { Store } from '../storage/types.js';
import type { ResourceDef } from '../api/types.js';
import { pathNotFound, StatusError, unauthorized } from '../machinery/errors.js';
import { realClock, type Clock } from '../machinery/clock.js';
import { ResourceRegistry, tableFor } from '../api/resources/index.js';
import { unionAuthenticator, type Authenticator, type UserInfo } from './auth/index.js';
import { bootstrapTokenAuthenticator } from './auth/bootstrap-token.js';
import { anonymousMayRequest, bootstrapperForbidden } from './auth/limited-access.js';
import { handleCsrRequest } from './handlers/csr.js';
import { parseRequestInfo } from './http/request-info.js';
import { writeStatus } from './http/respond.js';
import { Discovery } from './discovery/discovery.js';
import { handleResource } from './handlers/resource.js';
import { serveHealth, serveVersion, type HealthCheck } from './handlers/misc.js';
import { serveOpenApi } from './handlers/openapi.js';
import type { HandlerContext } from './handlers/context.js';
import type { RegistryDeps } from './registry/context.js';
import { namespaceLifecycle } from './admission/namespace-lifecycle.js';
import { defaultTolerationSeconds } from './admission/default-tolerations.js';
import { serviceAllocation } from './admission/service-allocation.js';
import { CrdManager } from './crd-manager.js';
import { strategyResolver } from './strategy-for.js';
import { bootstrap } from './bootstrap.js';
import { DEFAULT_SERVICE_CIDR } from './defaults.js';
import { withWatchCache, type CachedStore, type WatchCacheOptions } from '../storage/watchcache/index.js';

export interface ApiServerConfig {
  store: Store;
  log: Logger;
  clock?: Clock;
  tls: { keyPem: string; certPem: string; caPem: string };
  bindAddress: string;
  /** 0 picks a free port. */
  port: number;
  authenticator: Authenticator;
  /** Service ClusterIP range. */
  serviceCidr?: string;
  bookmarkIntervalSeconds?: number;
  /** The API server's client certificate for kubelets (kube-apiserver --kubelet-client-certificate/-key). */
  kubeletClient?: { certPem: string; keyPem: string };
  /** Tolerations added to pods for not-ready / unreachable nodes (kube-apiserver --default-*-toleration-seconds). */
  defaultNotReadyTolerationSeconds?: number;
  defaultUnreachableTolerationSeconds?: number;
  /** The watch cache's settings, or false to serve LIST and WATCH from the store itself. */
  watchCache?: WatchCacheOptions | false;
}

export interface RunningApiServer {
  readonly url: string;
  readonly port: number;
  readonly registry: ResourceRegistry;
  close(): Promise<void>;
}

/** Paths kube-apiserver's default RBAC opens to everyone (system:public-info-viewer). */
const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

export { DEFAULT_SERVICE_CIDR };

export async function startApiServer(cfg: ApiServerConfig): Promise<RunningApiServer> {
  const clock = cfg.clock ?? realClock;
  const log = cfg.log;
  const registry = new ResourceRegistry();
  const serviceCidr = cfg.serviceCidr ?? DEFAULT_SERVICE_CIDR;
  let crds: CrdManager | undefined;
  // LIST and WATCH from memory, as kube-apiserver's watch cache: a watch from before a resource's
  // window of recent events gets 410 Gone and its informer relists. Writes go straight to the store.
  const store = cfg.watchCache === false ? cfg.store
    : withWatchCache(cfg.store, { beforeWindow: 'expire', logger: log, ...cfg.watchCache, closeInner: false });
  const deps: RegistryDeps = {
    store,
    ...(store !== cfg.store ? { peek: (key: string) => (store as CachedStore).peek(key) } : {}),
    strategyFor: strategyResolver(clock),
    admission: [
      namespaceLifecycle(() => deps),
      defaultTolerationSeconds(cfg.defaultNotReadyTolerationSeconds, cfg.defaultUnreachableTolerationSeconds),
      serviceAllocation(() => deps, serviceCidr),
    ],
    clock,
    log,
    resource: (g, v, r) => registry.get(g, v, r),
  };
  const discovery = new Discovery({
    groups: () => registry.groups(),
    resources: (g, v) => registry.resources(g, v),
  });
  crds = new CrdManager({ deps, registry, log, onChange: () => discovery.invalidate() });
  await crds.resync();
  // An ephemeral port (0, tests) is not known yet: the Service then says the default one.
  await bootstrap(deps, serviceCidr, cfg.port > 0 ? cfg.port : 6443);

  const ctx: HandlerContext = {
    deps, log, tableFor: (def: ResourceDef) => crds?.tableFor(def) ?? tableFor(def), bookmarkIntervalSeconds: cfg.bookmarkIntervalSeconds ?? 60,
    kubeletClient: { caPem: cfg.tls.caPem, ...(cfg.kubeletClient ?? {}) },
  };
  const health: HealthCheck[] = [
    { name: 'ping', check: async () => undefined },
    { name: 'etcd', check: async () => { await cfg.store.currentRevision(); } },
  ];

  // Client certificates first, then bootstrap tokens read from the store (kube-apiserver's order).
  const authenticator = unionAuthenticator([cfg.authenticator, bootstrapTokenAuthenticator({ store: cfg.store, clock })]);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://k8ts');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    let user: UserInfo | undefined;
    let rejected = false;
    try {
      user = await authenticator.authenticate(req);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      if (!PUBLIC_PATHS.has(path)) throw unauthorized();
      rejected = true;
    }
    // Without credentials only the public paths and GET of kube-public/cluster-info (limited-access.ts).
    if (!user && !PUBLIC_PATHS.has(path) && (rejected || !anonymousMayRequest(parseRequestInfo(req.method ?? 'GET', path, url.searchParams)))) {
      throw unauthorized();
    }
    if (path === '/version') return serveVersion(res);
    if (path === '/healthz' || path === '/livez' || path === '/readyz') return serveHealth(res, health, url.searchParams.has('verbose'));
    if (path.startsWith('/openapi/')) return serveOpenApi(req, res, path);
    const info = parseRequestInfo(req.method ?? 'GET', path, url.searchParams);
    const denied = user ? bootstrapperForbidden(user, info) : undefined;
    if (denied) throw denied;
    if (!info.isResource) {
      if (discovery.serve(req, res, path)) return;
      throw pathNotFound(path === '/' ? 'the server could not find the requested resource' : `the server could not find the requested resource`);
    }
    const def = registry.get(info.group, info.version, info.resource);
    if (!def) throw pathNotFound();
    if (await handleCsrRequest(ctx, req, res, info, def, url.searchParams, user)) return;
    await handleResource(ctx, req, res, info, def, url.searchParams);
    if (def.group === 'apiextensions.k8s.io' && info.verb !== 'get' && info.verb !== 'list' && info.verb !== 'watch') {
      await crds?.resync();
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    handle(req, res).catch((e: unknown) => {
      const status = writeStatus(res, e);
      if (status.code >= 500) log.error({ err: e, method: req.method, url: req.url }, 'request failed');
    }).finally(() => {
      if (log.isLevelEnabled('debug')) {
        log.debug({ method: req.method, url: req.url, code: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'request');
      }
    });
  };
  const server = https.createServer({
    key: cfg.tls.keyPem, cert: cfg.tls.certPem, ca: cfg.tls.caPem,
    requestCert: true, rejectUnauthorized: false,
    keepAliveTimeout: 75_000,
  }, onRequest);
  // exec/attach/portforward (and anything else asking to switch protocols) go through the same
  // handler: a response object over the socket answers errors; a kubelet stream takes the socket.
  const upgrades = serveUpgrades(server, onRequest);
  server.headersTimeout = 60_000;
  server.requestTimeout = 0; // watches are long-lived
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, cfg.bindAddress, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const host = cfg.bindAddress.includes(':') ? `[${cfg.bindAddress}]` : cfg.bindAddress;
  const crdTimer = setInterval(() => { crds?.resync().catch((e: unknown) => log.warn({ err: e }, 'CRD resync failed')); }, 10_000);
  crdTimer.unref();
  return {
    url: `https://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    registry,
    close: async () => {
      clearInterval(crdTimer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        upgrades.destroyAll();
      });
      if (store !== cfg.store) await store.close();
    },
  };
}
