/**
 * The Docker engine, reached through testcontainers. Every container of a drill carries the
 * run's labels so that cleanup (and `mm2-drill down`) can find whatever a run left behind.
 */
import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
import { DrillError } from '../core/errors.ts';

export const LABEL_TOOL = 'dev.mm2-drill';
export const LABEL_RUN = 'dev.mm2-drill.run';
export const LABEL_KEEP = 'dev.mm2-drill.keep';

export const runLabels = (runId: string, keep: boolean): Record<string, string> => ({
  [LABEL_TOOL]: 'true',
  [LABEL_RUN]: runId,
  [LABEL_KEEP]: String(keep),
});

const withTimeout = <T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    p.then(
      (v) => { clearTimeout(timer); resolve(v); },
      (e: unknown) => { clearTimeout(timer); reject(e instanceof Error ? e : new Error(String(e))); },
    );
  });

const dockerUnreachable = (cause?: unknown) =>
  new DrillError('DOCKER_UNREACHABLE', `the Docker engine does not answer${process.env.DOCKER_HOST ? ` at DOCKER_HOST=${process.env.DOCKER_HOST}` : ''}`, {
    fix: 'start Docker (or run `npm run setup`, which installs and starts an engine on Debian/Ubuntu as root); check DOCKER_HOST',
    cause,
  });

/** The container runtime, or a DOCKER_UNREACHABLE error within a few seconds. */
export async function dockerClient(timeoutMs = 5000): Promise<ContainerRuntimeClient> {
  try {
    return await withTimeout(getContainerRuntimeClient(), timeoutMs, () => dockerUnreachable());
  } catch (e) {
    throw e instanceof DrillError ? e : dockerUnreachable(e);
  }
}

/** Removes every container (and then its networks) carrying `label=value`; returns how many containers. */
export async function removeLabelled(client: ContainerRuntimeClient, filters: Record<string, string>): Promise<number> {
  const docker = client.container.dockerode;
  const label = Object.entries(filters).map(([k, v]) => `${k}=${v}`);
  const containers = await docker.listContainers({ all: true, filters: { label } });
  const networks = new Set(containers.flatMap((c) => Object.values(c.NetworkSettings?.Networks ?? {}).map((n) => n.NetworkID)));
  await Promise.allSettled(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  for (const id of networks) {
    const net = docker.getNetwork(id);
    const info = await net.inspect().catch(() => undefined);
    if (info && info.Name !== 'bridge' && Object.keys(info.Containers ?? {}).length === 0) await net.remove().catch(() => undefined);
  }
  return containers.length;
}
