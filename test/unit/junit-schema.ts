/** Validates junit.xml text against the JUnit schema CI tools read (test/schemas/junit.xsd), with xmllint. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

export function expectValidJunit(xml: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'junit-'));
  writeFileSync(join(dir, 'junit.xml'), xml);
  const lint = spawnSync('xmllint', ['--noout', '--schema', 'test/schemas/junit.xsd', join(dir, 'junit.xml')], { encoding: 'utf8' });
  if (lint.error) throw new Error('xmllint is missing: run `npm run setup` (installs libxml2-utils)');
  expect(lint.stderr).toContain('validates');
  expect(lint.status).toBe(0);
}
