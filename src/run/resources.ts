/**
 * Everything a cell started, removed in reverse order whatever happens. A failed removal is
 * reported and does not stop the others.
 */
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';

type Resource = StartedTestContainer | StartedNetwork;

export class Resources {
  private readonly items: Resource[] = [];
  readonly track = (r: Resource): void => {
    this.items.push(r);
  };

  async dispose(): Promise<string[]> {
    const problems: string[] = [];
    for (const r of this.items.splice(0).reverse()) {
      try {
        if ('getMappedPort' in r) await r.stop({ timeout: 0, remove: true, removeVolumes: true });
        else await r.stop();
      } catch (e) {
        problems.push(e instanceof Error ? e.message : String(e));
      }
    }
    return problems;
  }
}
