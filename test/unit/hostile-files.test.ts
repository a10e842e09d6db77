/**
 * The corpus of hostile scenario files (test/fixtures/hostile/): each run through the CLI's
 * `main` as its first lines say, refused with its exit code and its message — the problem and the
 * fix — and never a stack trace.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { translateOffsetsArgv } from '../../src/run/failover.ts';

const dir = 'test/fixtures/hostile';
const corpus = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort().map((f) => {
  const head = readFileSync(join(dir, f), 'utf8');
  const run = /^\/\/ run: (.+)$/m.exec(head)?.[1]?.split(' ') ?? ['validate'];
  const expected = /^\/\/ exit (\d+): (.+)$/m.exec(head);
  if (!expected) throw new Error(`${f}: no "// exit <code>: <message>" line`);
  const [command, ...options] = run;
  return { file: f, argv: [command!, join(dir, f), ...options], code: Number(expected[1]), message: new RegExp(expected[2]!) };
});

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => { stdout += String(s); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => { stderr += String(s); return true; });
  const code = await main(argv);
  return { code, stdout, stderr };
}
afterEach(() => vi.restoreAllMocks());

describe('hostile scenario files', () => {
  it('has a corpus', () => expect(corpus.length).toBeGreaterThanOrEqual(9));

  it.each(corpus)('$file: exit $code with its message, no stack trace', async ({ argv, code, message }) => {
    const t0 = Date.now();
    const r = await cli(argv);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(code);
    expect(r.stderr).not.toMatch(/\n\s+at |harness bug/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  }, 30_000);
});

describe('validate', () => {
  it('says in its help that it executes the scenario file', async () => {
    const r = await cli(['validate', '--help']);
    expect(r.stdout.replace(/\s+/g, " ")).toMatch(/TypeScript and is executed/);
    expect(r.stdout).not.toContain('without running anything');
  });
});

describe('the cross-check command', () => {
  it('passes a group id to java as one argument, through no shell', () => {
    const group = 'g$(touch /tmp/pwned);`id`';
    const argv = translateOffsetsArgv('backup-0:9092', 'primary', group);
    expect(argv[0]).toBe('java');
    expect(argv).not.toContain('sh');
    expect(argv).not.toContain('-c');
    expect(argv.at(-1)).toBe(group);
  });
});
