import { expect, it } from 'vitest';
import { newClusterId } from '../../src/adapters/containers/kafka-cluster.ts';

it('KRaft cluster ids never start with "-" (the storage tool would read an option)', () => {
  for (let i = 0; i < 2000; i++) {
    const id = newClusterId();
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  }
});
