/** `--force` on `run` and `list`: the one way past the limit on cell runs. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-force-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const big = join(dir, 'big.ts');
writeFileSync(big, `export default ${JSON.stringify({ name: 'big', matrix: { 'mirror.offsetLagMax': Array.from({ length: 201 }, (_, i) => i) } })};\n`);

describe('--force', () => {
  it('lets `list` expand a matrix of more than 200 cell runs, which it refuses without', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await main(['list', big])).toBe(2);
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/201 cell runs.*limit of 200[\s\S]*fix: pass --force/);
      expect(await main(['list', big, '--force'])).toBe(0);
      expect(stdout.mock.calls.map((c) => String(c[0])).join('')).toContain('valid — 201 cell(s)');
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
    }
  });

  it('is an option of `run`', async () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await main(['run', '--help'])).toBe(0);
      expect(stdout.mock.calls.map((c) => String(c[0])).join('')).toContain('--force');
    } finally {
      stdout.mockRestore();
    }
  });
});
