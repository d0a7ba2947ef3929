// Kube-aware version ordering, as discovery lists the versions of a group and picks the
// preferred one: k8s.io/apimachinery/pkg/version/helpers.go CompareKubeAwareVersionStrings.
// GA > beta > alpha; within a class the higher major wins, then the higher minor; versions that
// are not kube-like (`v<major>[alpha|beta<minor>]`) come last, in lexicographic order:
// v10, v2, v1, v11beta2, v10beta3, v3beta1, v12alpha1, v11alpha2, foo1, foo10.

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/** Stability class: a larger number sorts first. */
const STABILITY = { alpha: 0, beta: 1, ga: 2 } as const;

interface KubeVersion { major: number; stability: number; minor: number }

function parseKubeVersion(v: string): KubeVersion | undefined {
  const m = KUBE_VERSION.exec(v);
  if (!m) return undefined;
  const major = Number(m[1]);
  const kind = m[2];
  if (kind === 'alpha' || kind === 'beta') return { major, stability: STABILITY[kind], minor: Number(m[3]) };
  return { major, stability: STABILITY.ga, minor: 0 };
}

/** > 0 when `a` has the higher priority, < 0 when `b` has, 0 when equal. */
export function compareKubeVersions(a: string, b: string): number {
  if (a === b) return 0;
  const pa = parseKubeVersion(a);
  const pb = parseKubeVersion(b);
  if (!pa && !pb) return a < b ? 1 : -1;
  if (!pa) return -1;
  if (!pb) return 1;
  if (pa.stability !== pb.stability) return pa.stability - pb.stability;
  if (pa.major !== pb.major) return pa.major - pb.major;
  return pa.minor - pb.minor;
}

/** Versions ordered highest priority first (a new array). */
export function sortKubeVersions(versions: readonly string[]): string[] {
  return [...versions].sort((a, b) => compareKubeVersions(b, a));
}
