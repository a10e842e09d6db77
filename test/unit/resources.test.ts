import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import { expect, it } from 'vitest';
import { Resources } from '../../src/run/resources.ts';

const gone = () => Object.assign(new Error('(HTTP code 404) no such network'), { statusCode: 404 });

it('stops tracked containers (together), then sweeps the untracked ones, then removes the networks', async () => {
  const order: string[] = [];
  const container = (name: string) => ({ getMappedPort: () => 0, stop: async () => void order.push(name) }) as unknown as StartedTestContainer;
  const network = { stop: async () => void order.push('network') } as unknown as StartedNetwork;
  const r = new Resources();
  r.track(network);
  r.track(container('toxiproxy'));
  r.track(container('mm2'));
  const problems = await r.dispose(async () => void order.push('sweep'));
  expect(order).toEqual(['mm2', 'toxiproxy', 'sweep', 'network']);
  expect(problems).toEqual([]);
});

it('takes "already gone" for done and reports other failures without stopping', async () => {
  const r = new Resources();
  r.track({ stop: async () => { throw gone(); } } as unknown as StartedNetwork);
  r.track({ getMappedPort: () => 0, stop: async () => { throw new Error('engine busy'); } } as unknown as StartedTestContainer);
  const problems = await r.dispose(async () => { throw new Error('list failed'); });
  expect(problems).toEqual(['engine busy', 'list failed']);
});
