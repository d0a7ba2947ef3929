// Docker-style image reference normalisation, as containerd's CRI plugin applies it: an image
// named "busybox" is stored as "docker.io/library/busybox:latest". Images k8ts writes or imports
// carry the normalised name, so CRI finds them under the name a pod spec uses.
// Grammar: https://github.com/distribution/reference/blob/main/reference.go (domain, path, tag, digest).

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const FULL = new RegExp(`^${DOMAIN}/${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);

/** Returns the fully qualified reference: domain, path, and ":latest" when there is no tag or digest. */
export function normaliseImageRef(ref: string): string {
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  const hasDomain = first.includes('.') || first.includes(':') || first === 'localhost';
  let name = hasDomain ? ref : slash < 0 ? `docker.io/library/${ref}` : `docker.io/${ref}`;
  const lastComponent = name.slice(name.lastIndexOf('/') + 1);
  if (!lastComponent.includes(':') && !lastComponent.includes('@')) name += ':latest';
  if (!FULL.test(name)) throw new Error(`image reference "${ref}" is not valid`);
  return name;
}
