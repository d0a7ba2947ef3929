// The kubelet's side of its HTTPS server: pods from the kubelet's informer, containers and log
// files from the runtime, streaming URLs from CRI (Exec, Attach, PortForward).
import type { Pod } from './api-types.js';
import type { Kubelet } from './kubelet.js';
import { containerLogTarget } from './logs/index.js';
import { latestOf } from './pods/runtime-state.js';
import { isNotFound } from './runtime/cri/index.js';
import { KubeletHttpError, type KubeletServerBackend } from './server/index.js';

export function kubeletServerBackend(k: Kubelet): KubeletServerBackend {
  const runningContainer = async (pod: Pod, name: string): Promise<string> => {
    const rt = await k.reader.pod(pod.metadata?.uid ?? '');
    const kind = pod.spec.containers.some((c) => c.name === name) ? 'regular' : 'init';
    const c = latestOf(rt, name, kind);
    if (!c || c.state !== 'running') throw new KubeletHttpError(500, `container not found ("${name}")`);
    return c.id;
  };
  const sandbox = async (pod: Pod): Promise<string> => {
    const rt = await k.reader.pod(pod.metadata?.uid ?? '');
    const s = rt?.sandboxes.find((x) => x.ready);
    if (!s) throw new KubeletHttpError(500, `pod sandbox of "${pod.metadata?.name}" not found`);
    return s.id;
  };
  return {
    listPods: () => k.pods(),
    getPod: (ns, name) => k.podByName(ns, name),
    async containerLog(pod, container, previous) {
      const target = containerLogTarget(pod.metadata?.name ?? '', pod.status, container, previous);
      if (!target.ok) throw new KubeletHttpError(400, target.message);
      let path: string;
      try {
        const st = await k.cri.containerStatus(target.containerId);
        path = st.status?.log_path ?? '';
      } catch (e) {
        if (isNotFound(e)) throw new KubeletHttpError(400, `container "${container}" in pod "${pod.metadata?.name}" is not available`);
        throw e;
      }
      if (!path) throw new KubeletHttpError(400, `container "${container}" in pod "${pod.metadata?.name}" has no log`);
      return {
        path,
        isRunning: async () => {
          try { return (await k.cri.containerStatus(target.containerId)).status?.state === 'CONTAINER_RUNNING'; } catch { return false; }
        },
      };
    },
    async exec(pod, container, p) {
      const id = await runningContainer(pod, container);
      return k.cri.exec({ container_id: id, cmd: [...p.command], tty: p.tty, stdin: p.stdin, stdout: p.stdout, stderr: p.stderr });
    },
    async attach(pod, container, p) {
      const id = await runningContainer(pod, container);
      return k.cri.attach({ container_id: id, tty: p.tty, stdin: p.stdin, stdout: p.stdout, stderr: p.stderr });
    },
    async portForward(pod, ports) {
      return k.cri.portForward({ pod_sandbox_id: await sandbox(pod), port: [...ports] });
    },
    async execSync(pod, container, command, timeoutSeconds) {
      const id = await runningContainer(pod, container);
      const r = await k.cri.execSync(id, [...command], timeoutSeconds);
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exit_code };
    },
  };
}
