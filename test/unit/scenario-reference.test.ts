/** docs/scenario-reference.md is generated from the scenario schema: it cannot drift, and no field goes undescribed. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { scenarioFields } from '../../src/core/scenario/scenario.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';
import { literal, scenarioJsonSchema, scenarioReference, undescribedFields } from '../../src/render/scenario-reference.ts';

const rowOf = (page: string, path: string): string[] | undefined =>
  page.split('\n').find((l) => l.startsWith(`| \`${path}\` |`))?.split(' | ').map((c) => c.replace(/^\| | \|$/g, ''));

describe('docs/scenario-reference.md', () => {
  it('is what the schema generates', () => {
    const page = readFileSync(new URL('../../docs/scenario-reference.md', import.meta.url), 'utf8');
    const fresh = scenarioReference(scenarioFields);
    expect(page === fresh, 'docs/scenario-reference.md differs from the scenario schema: run `npm run docs:scenario-reference` and commit the page').toBe(true);
  });

  it('has no text a Markdown viewer would take for HTML (a `<name>` outside backquotes vanishes)', () => {
    const prose = scenarioReference(scenarioFields).split('\n').filter((l) => !l.startsWith('<a id=') && !l.startsWith('<!--')).map((l) => l.replace(/`[^`]*`/g, ''));
    expect(prose.filter((l) => /<[A-Za-z]/.test(l))).toEqual([]);
  });

  it('describes every field the schema has', () => {
    expect(undescribedFields(scenarioFields)).toEqual([]);
  });

  it("gives the mirror block the defaults a parsed scenario gets, not zod's (which has none there)", () => {
    const page = scenarioReference(scenarioFields);
    const { mirror } = parseScenario({ name: 'doc' }, 'doc.ts');
    const mirrorFields = Object.keys(scenarioJsonSchema(scenarioFields).properties?.mirror?.properties ?? {});
    const shown = mirrorFields.filter((f) => rowOf(page, `mirror.${f}`)?.[2]?.startsWith('`'));
    expect(shown.length).toBeGreaterThan(5);
    for (const f of shown) expect(rowOf(page, `mirror.${f}`)?.[2], f).toBe(`\`${literal((mirror as unknown as Record<string, unknown>)[f])}\``);
  });
});

describe('scenarioReference', () => {
  const point = z.strictObject({ x: z.int().min(0).max(10).describe('Across.') }).meta({ id: 'point', title: 'Point', description: 'A place.' });
  const shape = z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('dot'), at: point.describe('Where.') }).describe('One point.'),
    z.strictObject({ kind: z.literal('box'), size: z.number().positive().max(20_000).default(1).describe('Edge.') }).describe('A square.'),
  ]).meta({ id: 'shape', title: 'Shape', description: 'Something drawn.' });
  const schema = z.strictObject({
    name: z.string().regex(/^[a-z]+$/).describe('Its name.'),
    mode: z.enum(['fast', 'slow']).default('slow').describe('How.'),
    tags: z.record(z.string().regex(/^[a-z]+$/), z.strictObject({ weight: z.int().min(1).describe('Heft.') })).default({}).describe('By name.'),
    shapes: z.array(shape).min(1).max(3).describe('What is drawn.'),
    plain: z.string().optional(),
  }).describe('A drawing.');
  const page = scenarioReference(schema);

  it('draws each field path with its type, default, allowed values and description', () => {
    expect(rowOf(page, 'name')).toEqual(['`name`', 'string', 'required', '`/^[a-z]+$/`', 'Its name.']);
    expect(rowOf(page, 'mode')).toEqual(['`mode`', 'string', "`'slow'`", "`'fast'`, `'slow'`", 'How.']);
    expect(rowOf(page, 'tags.<name>.weight')).toEqual(['`tags.<name>.weight`', 'integer', 'required', '≥ 1', 'Heft.']);
    expect(rowOf(page, 'tags')?.[3]).toBe('keys: `/^[a-z]+$/`');
    expect(rowOf(page, 'shapes')?.slice(1, 4)).toEqual(['list of [Shape](#shape)', 'required', '1 – 3 items']);
  });

  it('gives a schema with an id its own section, one heading per option of a discriminated union, linked where used', () => {
    expect(page).toContain('<a id="shape"></a>\n\n## Shape\n\nSomething drawn.');
    expect(page).toContain("### `kind: 'dot'`\n\nOne point.");
    expect(page).toContain("### `kind: 'box'`\n\nA square.");
    expect(rowOf(page, 'size')).toEqual(['`size`', 'number', '`1`', '> 0, ≤ 20_000', 'Edge.']);
    expect(rowOf(page, 'at')).toEqual(['`at`', '[Point](#point)', 'required', '', 'Where.']);
    expect(rowOf(page, 'x')).toEqual(['`x`', 'integer', 'required', '0 – 10', 'Across.']);
  });

  it('names the fields without a description', () => {
    expect(undescribedFields(schema)).toEqual(['`plain`']);
  });

  it('keeps a table intact when a pattern holds a pipe', () => {
    const piped = scenarioReference(z.strictObject({ op: z.string().regex(/^(<|>)$/).describe('An operator.') }));
    expect(piped).toContain('| `op` | string | required | `/^(<\\|>)$/` | An operator. |');
  });
});
