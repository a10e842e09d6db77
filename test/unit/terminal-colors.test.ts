/** One rule for colours: FORCE_COLOR turns them on even into a pipe, NO_COLOR turns them off even on a terminal. */
import { PassThrough } from 'node:stream';
import { WriteStream } from 'node:tty';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { colorsOn } from '../../src/adapters/terminal-colors.ts';
import { consoleProgress } from '../../src/run/progress.ts';

/** A stream that answers as a 256-colour terminal would (its colour depth read from the environment, as a real one's is). */
const terminal = () => Object.assign(new PassThrough(), { isTTY: true, getColorDepth: WriteStream.prototype.getColorDepth });
const pipe = () => new PassThrough();
const env = (vars: Record<string, string | undefined>) => {
  for (const k of ['FORCE_COLOR', 'NO_COLOR', 'NODE_DISABLE_COLORS', 'CI']) vi.stubEnv(k, undefined);
  vi.stubEnv('TERM', 'xterm-256color');
  for (const [k, v] of Object.entries(vars)) vi.stubEnv(k, v);
};
afterEach(() => vi.unstubAllEnvs());

describe('colorsOn', () => {
  it('is on for a colour terminal, off for a pipe', () => {
    env({});
    expect(colorsOn(terminal())).toBe(true);
    expect(colorsOn(pipe())).toBe(false);
  });

  it('FORCE_COLOR=1 turns colours on, into a pipe too', () => {
    env({ FORCE_COLOR: '1' });
    expect(colorsOn(pipe())).toBe(true);
    expect(colorsOn(terminal())).toBe(true);
  });

  it('NO_COLOR=1 (or TERM=dumb) turns them off on a terminal', () => {
    env({ NO_COLOR: '1' });
    expect(colorsOn(terminal())).toBe(false);
    env({ TERM: 'dumb' });
    expect(colorsOn(terminal())).toBe(false);
  });

  it('the progress lines follow it', () => {
    const printed = (vars: Record<string, string | undefined>) => {
      env(vars);
      const out = pipe();
      let text = '';
      out.on('data', (b: Buffer) => { text += b.toString(); });
      consoleProgress(out as unknown as NodeJS.WriteStream).event('kill: SIGKILL primary');
      return text;
    };
    expect(printed({ FORCE_COLOR: '1' })).toBe('\x1b[33m»\x1b[39m kill: SIGKILL primary\n');
    expect(printed({ NO_COLOR: '1' })).toBe('» kill: SIGKILL primary\n');
  });
});
