/** Progress lines for long steps, with durations. Quiet on non-TTY except for step ends. */
export interface Progress {
  /** Starts a step; the returned function ends it. */
  step(label: string): (detail?: string) => void;
  info(message: string): void;
}

export function consoleProgress(stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now): Progress {
  const tty = stream.isTTY === true && !process.env.CI;
  const color = tty && !process.env.NO_COLOR;
  const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[0m` : s);
  const ok = color ? '\x1b[32m✔\x1b[0m' : '✔';
  return {
    step(label) {
      const t0 = now();
      if (tty) stream.write(`${dim('…')} ${label}\n`);
      return (detail) => {
        const secs = ((now() - t0) / 1000).toFixed(1);
        stream.write(`${ok} ${label}${detail ? ` — ${detail}` : ''} ${dim(`(${secs}s)`)}\n`);
      };
    },
    info(message) {
      stream.write(`${message}\n`);
    },
  };
}
