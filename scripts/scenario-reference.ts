/**
 * Writes docs/scenario-reference.md from the scenario schema (src/render/scenario-reference.ts
 * draws it). test/unit/scenario-reference.test.ts fails while the page differs from what this writes.
 * Usage: npm run docs:scenario-reference
 */
import { writeFileSync } from 'node:fs';
import { scenarioFields } from '../src/core/scenario/scenario.ts';
import { scenarioReference } from '../src/render/scenario-reference.ts';

const page = new URL('../docs/scenario-reference.md', import.meta.url);
writeFileSync(page, scenarioReference(scenarioFields));
console.log(`wrote ${page.pathname}`);
