/**
 * No import circle anywhere in src/, type-only imports included: a type with no home of its own
 * is what makes one, and every circle blurs the layers (src/core/README.md and each folder's README).
 */
import { fileURLToPath } from 'node:url';
import madge from 'madge';
import { expect, it } from 'vitest';

it('src/ has no import cycle, type imports included', async () => {
  const src = fileURLToPath(new URL('../../src', import.meta.url));
  const graph = await madge(src, { fileExtensions: ['ts'], detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } } });
  expect(Object.keys(graph.obj()).length).toBeGreaterThan(100);
  expect(graph.circular()).toEqual([]);
}, 60_000);
