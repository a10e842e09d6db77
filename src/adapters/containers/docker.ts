/**
 * The Docker engine, reached through testcontainers. Every container of a drill carries the
 * run's labels so that cleanup (and `mm2-drill down`) can find whatever a run left behind.
 */
import { hostname } from 'node:os';
import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
import { DrillError } from '../../core/errors.ts';

export const LABEL_TOOL = 'dev.mm2-drill';
export const LABEL_RUN = 'dev.mm2-drill.run';
export const LABEL_KEEP = 'dev.mm2-drill.keep';
/** The harness process that owns the container, so orphans of a SIGKILLed harness can be reaped. */
export const LABEL_OWNER = 'dev.mm2-drill.owner';
/**
 * The cell run that created the container. A cell removes everything carrying its label when it
 * ends, so a container whose start-up was cut short (Ctrl-C, a failed wait) is removed even
 * though the code that started it never got to hand it over.
 */
export const LABEL_CELL = 'dev.mm2-drill.cell';

const owner = () => `${hostname()}:${process.pid}`;

/** `<run id>/<cell key>`, with the characters a label value had better not hold replaced by `_`. */
export const cellLabel = (runId: string, cellKey: string): string => `${runId}/${cellKey.replace(/[^a-zA-Z0-9.=#_-]+/g, '_')}`;

export const runLabels = (runId: string, keep: boolean, cellKey: string): Record<string, string> => ({
  [LABEL_TOOL]: 'true',
  [LABEL_RUN]: runId,
  [LABEL_KEEP]: String(keep),
  [LABEL_OWNER]: owner(),
  [LABEL_CELL]: cellLabel(runId, cellKey),
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes containers of earlier runs on this host whose harness process is gone (it was
 * SIGKILLed, or crashed) and that were not kept on purpose: testcontainers' Ryuk reaper does
 * this on machines that can pull it; this works everywhere. Returns the number removed.
 */
export async function reapOrphans(client: ContainerRuntimeClient): Promise<number> {
  const docker = client.container.dockerode;
  const mine = await docker.listContainers({ all: true, filters: { label: [`${LABEL_TOOL}=true`, `${LABEL_KEEP}=false`] } });
  const orphanRuns = new Set(
    mine
      .filter((c) => {
        const [host, pid] = (c.Labels[LABEL_OWNER] ?? '').split(':');
        return host === hostname() && pid !== undefined && !alive(Number(pid));
      })
      .map((c) => c.Labels[LABEL_RUN]!),
  );
  let removed = 0;
  for (const run of orphanRuns) removed += await removeLabelled(client, { [LABEL_RUN]: run });
  return removed;
}

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
    fix: 'start Docker (or run `npx mm2-drill setup`, which installs and starts an engine on Debian/Ubuntu as root); check DOCKER_HOST',
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
