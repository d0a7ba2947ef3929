// Volume failures as the kubelet reports them: the reason is the event/container-waiting reason,
// the message kube's text, so users and tests grep the same strings as on a real node.

export type VolumeErrorReason = 'FailedMount' | 'CreateContainerConfigError';

export class VolumeError extends Error {
  override readonly name = 'VolumeError';
  constructor(
    message: string,
    readonly reason: VolumeErrorReason = 'FailedMount',
    /** The volume concerned, when there is one. */
    readonly volume?: string,
    /** Every volume that failed in one setUp (the message is the first one's). */
    readonly failures: readonly VolumeError[] = [],
    /** The plugin's own error (its message is the part after ` : `, e.g. `configmap "x" not found`). */
    cause?: Error,
  ) {
    super(message, cause ? { cause } : undefined);
  }
}

/** kube's FailedMount event text: `MountVolume.SetUp failed for volume "v" : <cause>`. */
export function setUpFailed(volume: string, cause: unknown): VolumeError {
  const err = cause instanceof Error ? cause : new Error(String(cause));
  return new VolumeError(`MountVolume.SetUp failed for volume "${volume}" : ${err.message}`, 'FailedMount', volume, [], err);
}

/** The kubelet's configmap/secret managers name the resource in the singular: `configmap "x" not found`. */
export const objectNotFound = (kind: 'configmap' | 'secret', name: string): Error => new Error(`${kind} "${name}" not found`);

export const configError = (message: string): VolumeError => new VolumeError(message, 'CreateContainerConfigError');
