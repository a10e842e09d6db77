/**
 * No import circle anywhere in src/, type-only imports included: a type with no home of its own
 * is what makes one, and every circle blurs the layers (src/core/README.md and each folder's README).
 * And the core's folders are layers: each imports only the folders before it, and `src/core/*.ts`.
 */
import { fileURLToPath } from 'node:url';
import madge from 'madge';
import { expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src', import.meta.url));
const graph = madge(src, { fileExtensions: ['ts'], detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } } });

it('src/ has no import cycle, type imports included', async () => {
  const g = await graph;
  expect(Object.keys(g.obj()).length).toBeGreaterThan(100);
  expect(g.circular()).toEqual([]);
}, 60_000);

/** src/core/README.md's layers, in order. */
const layers = ['kafka', 'history', 'scenario', 'plan', 'checker', 'results'];
/** Imports that break the layering knowingly, each with its reason: none today. */
const exceptions: readonly string[] = [];

it("src/core's folders import only the core's files and the folders before them, type imports included", async () => {
  const files = Object.entries((await graph).obj()).filter(([file]) => file.startsWith('core/'));
  expect(files.filter(([file]) => file.startsWith('core/kafka/')).length).toBeGreaterThan(5);
  const rank = (file: string) => layers.indexOf(/^core\/([^/]+)\//.exec(file)?.[1] ?? '');
  const broken = files.flatMap(([file, deps]) => deps
    .filter((dep) => !dep.startsWith('core/') || rank(dep) > rank(file))
    .map((dep) => `${file} → ${dep}`))
    .filter((edge) => !exceptions.includes(edge));
  expect(broken).toEqual([]);
}, 60_000);
