/**
 * Everything a cell started, removed whatever happens: the containers together (SIGKILL, no
 * grace period: nothing of a finished drill needs a clean shutdown), then the networks. A failed
 * removal is reported and does not stop the others.
 */
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';

type Resource = StartedTestContainer | StartedNetwork;

const isContainer = (r: Resource): r is StartedTestContainer => 'getMappedPort' in r;

// Docker answers 404 for a container or network that is already gone: the goal is met.
const alreadyGone = (e: unknown): boolean => (e as { statusCode?: unknown } | null)?.statusCode === 404;

export class Resources {
  private readonly items: Resource[] = [];
  readonly track = (r: Resource): void => {
    this.items.push(r);
  };

  /**
   * Stops the tracked containers, then runs `sweep` (which removes containers that were never
   * handed over, e.g. a broker whose start-up was interrupted), then removes the networks: a
   * network cannot be removed while any container is still attached to it.
   */
  async dispose(sweep?: () => Promise<unknown>): Promise<string[]> {
    const items = this.items.splice(0).reverse();
    const problems: string[] = [];
    const attempt = async (what: () => Promise<unknown>) => {
      try {
        await what();
      } catch (e) {
        if (!alreadyGone(e)) problems.push(e instanceof Error ? e.message : String(e));
      }
    };
    await Promise.all(items.filter(isContainer).map((c) => attempt(() => c.stop({ timeout: 0, remove: true, removeVolumes: true }))));
    if (sweep) await attempt(sweep);
    for (const n of items.filter((r) => !isContainer(r))) await attempt(() => n.stop());
    return problems;
  }
}
