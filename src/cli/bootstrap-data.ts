// Bootstrap data: what every server of a cluster must share before it can serve (today the cluster
// CA's certificate and key; each server issues its own serving and admin certificates from it),
// kept in the datastore encrypted with a key derived from the server token, so that servers
// started with one datastore and one token end up with one CA (k3s' bootstrap data,
// https://docs.k3s.io/datastore/ha).
//
// The entry lives at `/bootstrap/<first 12 hex digits of sha256(secret)>`, outside /registry/ and
// so outside the API. Its value is JSON: the KDF and its parameters, a random salt and nonce, and
// the AES-256-GCM ciphertext and tag of `{"files": {name: contents}}`; the key is
// scrypt(secret, salt), the entry's key name is the additional authenticated data. A wrong token
// finds another cluster's entry and is told so; a changed byte fails authentication.
import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt as scryptCb, X509Certificate } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { KeyExistsError, KeyNotFoundError, RevisionConflictError, type KeyValue, type Store } from '../storage/types.js';
import { CLUSTER_CA_FILES, createClusterCa } from '../apiserver/auth/index.js';
import { writeFileAtomic } from '../machinery/write-file-atomic.js';
import { ServerTokenError, checkTokenCa, parseServerToken } from './server-token.js';
import { CommandError } from './errors.js';

export const BOOTSTRAP_PREFIX = '/bootstrap/';

/** File name (under DATA/tls) → contents. */
export type BootstrapFiles = Readonly<Record<string, string>>;

export class BootstrapDataError extends CommandError {
  constructor(message: string) { super(message); this.name = 'BootstrapDataError'; }
}

const FORMAT = 1;
const KDF = { name: 'scrypt', N: 1 << 14, r: 8, p: 1 } as const;
/** Limits on parameters read back, so a forged entry cannot make us allocate gigabytes. */
const KDF_MAX = { N: 1 << 20, r: 16, p: 4 };

interface Envelope {
  format: number;
  kdf: { name: string; N: number; r: number; p: number; salt: string };
  cipher: string;
  nonce: string;
  tag: string;
  data: string;
}

/** The datastore key of a token's bootstrap data. */
export function bootstrapKey(token: string): string {
  const { secret } = parseServerToken(token);
  return `${BOOTSTRAP_PREFIX}${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
}

function scrypt(secret: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const opts: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r * o.p + (1 << 20) };
  return new Promise((resolve, reject) => scryptCb(secret, salt, 32, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

async function encrypt(token: string, key: string, files: BootstrapFiles): Promise<Buffer> {
  const { secret } = parseServerToken(token);
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await scrypt(secret, salt, KDF), nonce);
  cipher.setAAD(Buffer.from(`${key}\0${FORMAT}`));
  const data = Buffer.concat([cipher.update(JSON.stringify({ files }), 'utf8'), cipher.final()]);
  const env: Envelope = {
    format: FORMAT,
    kdf: { ...KDF, salt: salt.toString('base64') },
    cipher: 'aes-256-gcm', nonce: nonce.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64'),
  };
  return Buffer.from(JSON.stringify(env));
}

async function decrypt(token: string, key: string, value: Buffer): Promise<BootstrapFiles> {
  const { secret } = parseServerToken(token);
  const corrupt = (why: string) => new BootstrapDataError(`bootstrap data ${key} cannot be read (${why}): it was altered or corrupted in the datastore`);
  let env: Envelope;
  try { env = JSON.parse(value.toString('utf8')) as Envelope; } catch { throw corrupt('not JSON'); }
  const k = env?.kdf;
  if (env?.format !== FORMAT || env.cipher !== 'aes-256-gcm' || k?.name !== 'scrypt'
    || typeof env.nonce !== 'string' || typeof env.tag !== 'string' || typeof env.data !== 'string' || typeof k.salt !== 'string') {
    throw corrupt('unknown format');
  }
  if (!(Number.isInteger(k.N) && k.N > 1 && (k.N & (k.N - 1)) === 0 && k.N <= KDF_MAX.N
    && Number.isInteger(k.r) && k.r >= 1 && k.r <= KDF_MAX.r && Number.isInteger(k.p) && k.p >= 1 && k.p <= KDF_MAX.p)) {
    throw corrupt('bad key derivation parameters');
  }
  const nonce = Buffer.from(env.nonce, 'base64');
  const tag = Buffer.from(env.tag, 'base64');
  if (nonce.length !== 12 || tag.length !== 16) throw corrupt('bad nonce or tag');
  let plain: string;
  try {
    const d = createDecipheriv('aes-256-gcm', await scrypt(secret, Buffer.from(k.salt, 'base64'), k), nonce);
    d.setAAD(Buffer.from(`${key}\0${FORMAT}`));
    d.setAuthTag(tag);
    plain = Buffer.concat([d.update(Buffer.from(env.data, 'base64')), d.final()]).toString('utf8');
  } catch {
    throw corrupt('authentication failed');
  }
  const files = (JSON.parse(plain) as { files?: unknown }).files;
  if (typeof files !== 'object' || files === null || Object.values(files).some((v) => typeof v !== 'string')) throw corrupt('no files');
  return files as BootstrapFiles;
}

function differentToken(other: string): BootstrapDataError {
  return new BootstrapDataError(`bootstrap data was encrypted with a different token: this datastore already holds a cluster's bootstrap data (${other}); start this server with that cluster's server token (DATA/token on its first server)`);
}

/** The token's bootstrap data, undefined when the datastore has none at all. */
export async function loadBootstrapData(store: Store, token: string): Promise<BootstrapFiles | undefined> {
  const key = bootstrapKey(token);
  const kv = await store.get(key);
  if (kv) return decrypt(token, key, kv.value);
  const entries = await store.list(BOOTSTRAP_PREFIX, { limit: 2 });
  // Another server starting at the same time with the same token may have stored ours in between.
  const ours = entries.items.find((e) => e.key === key);
  if (ours) return decrypt(token, key, ours.value);
  if (entries.items[0]) throw differentToken(entries.items[0].key);
  return undefined;
}

/**
 * Stores the files as the token's bootstrap data unless some are there already: the first writer
 * wins (create, not update), and everyone gets the winner's files back (`created` says whose).
 */
export async function saveBootstrapData(store: Store, token: string, files: BootstrapFiles): Promise<{ files: BootstrapFiles; created: boolean }> {
  const key = bootstrapKey(token);
  let created: KeyValue;
  try {
    created = await store.create(key, await encrypt(token, key, files));
  } catch (e) {
    if (!(e instanceof KeyExistsError)) throw e;
    const winner = await loadBootstrapData(store, token);
    if (!winner) throw new BootstrapDataError(`bootstrap data ${key} vanished while being read`);
    return { files: winner, created: false };
  }
  // Two first servers with different tokens could each have created their own entry: the older
  // entry is the cluster's, and the newer one is taken back.
  const all = await store.list(BOOTSTRAP_PREFIX);
  const older = all.items.find((kv) => kv.key !== key && kv.createRevision < created.createRevision);
  if (older) {
    await store.delete(key, created.modRevision).catch((e: unknown) => {
      if (!(e instanceof KeyNotFoundError || e instanceof RevisionConflictError)) throw e;
    });
    throw differentToken(older.key);
  }
  return { files, created: true };
}

/** A file's text, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function sameCertificate(a: string, b: string): boolean {
  try {
    return new X509Certificate(a).raw.equals(new X509Certificate(b).raw);
  } catch {
    return false;
  }
}

/**
 * Makes `tlsDir` hold the cluster's CA before ensureClusterPki runs. With no bootstrap data yet,
 * this server's CA (an existing one, or a new one) is offered as the cluster's; whichever server
 * stores it first wins and the others take it. A server whose own CA is not the cluster's refuses
 * to start: certificates it issued would not be trusted by the rest of the cluster.
 */
export async function syncClusterCa(store: Store, token: string, tlsDir: string, log?: Logger): Promise<{ created: boolean }> {
  const certPath = join(tlsDir, CLUSTER_CA_FILES.cert);
  const keyPath = join(tlsDir, CLUSTER_CA_FILES.key);
  const parsed = parseServerToken(token);
  const local = { cert: await readIfExists(certPath), key: await readIfExists(keyPath) };
  let cluster = await loadBootstrapData(store, token);
  let created = false;
  if (!cluster) {
    let offer: BootstrapFiles;
    if (local.cert !== undefined) {
      if (local.key === undefined) throw new BootstrapDataError(`cluster CA ${certPath} exists but its key ${keyPath} is missing`);
      offer = { [CLUSTER_CA_FILES.cert]: local.cert, [CLUSTER_CA_FILES.key]: local.key };
    } else {
      const ca = await createClusterCa();
      offer = { [CLUSTER_CA_FILES.cert]: ca.certPem, [CLUSTER_CA_FILES.key]: ca.keyPem };
    }
    if (parsed.caHash !== undefined && local.cert === undefined) {
      // A full token names an existing cluster's CA: a new one cannot match it.
      throw new ServerTokenError(`the server token pins CA sha256:${parsed.caHash}, but the datastore holds no bootstrap data yet: start the cluster's first server with the token's secret alone (the part after "::server:")`);
    }
    checkTokenCa(parsed, offer[CLUSTER_CA_FILES.cert] ?? '');
    ({ files: cluster, created } = await saveBootstrapData(store, token, offer));
    if (created) log?.info({ key: bootstrapKey(token) }, 'stored the cluster CA in the datastore as bootstrap data');
  }
  const cert = cluster[CLUSTER_CA_FILES.cert];
  const key = cluster[CLUSTER_CA_FILES.key];
  if (cert === undefined || key === undefined) throw new BootstrapDataError(`bootstrap data ${bootstrapKey(token)} lacks the cluster CA`);
  checkTokenCa(parsed, cert);
  if (local.cert !== undefined && !sameCertificate(local.cert, cert)) {
    throw new BootstrapDataError(`${certPath} is not this cluster's CA (the datastore's bootstrap data holds another): this data directory belongs to another cluster. To join this one, move ${tlsDir} away (this server's certificates are then issued from the cluster CA)`);
  }
  await mkdir(tlsDir, { recursive: true, mode: 0o700 });
  // Key first, then certificate, as ensureClusterPki writes them.
  if (local.key !== key) await writeFileAtomic(keyPath, key, 0o600);
  if (local.cert === undefined) await writeFileAtomic(certPath, cert, 0o644);
  if (!created && local.cert === undefined) log?.info({ key: bootstrapKey(token) }, 'took the cluster CA from the datastore\'s bootstrap data');
  return { created };
}
