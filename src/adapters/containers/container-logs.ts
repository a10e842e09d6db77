/** Container output streamed to files in the run directory, with a tail for error messages. */
import { createWriteStream, readFileSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { scrub } from '../secrets.ts';

/** Whole lines with their secrets redacted: a secret split across two chunks is still one line. */
function scrubbedLines(): Transform {
  let rest = '';
  return new Transform({
    transform(chunk: Buffer | string, _enc, done) {
      const text = rest + chunk.toString();
      const end = text.lastIndexOf('\n') + 1;
      rest = text.slice(end);
      done(null, end > 0 ? scrub(text.slice(0, end)) : undefined);
    },
    flush(done) {
      done(null, rest ? scrub(rest) : undefined);
    },
  });
}

export const logConsumer = (file: string) => (stream: Readable) => {
  const out = createWriteStream(file, { flags: 'a' });
  stream.pipe(scrubbedLines()).pipe(out);
  stream.on('error', () => out.end());
};

export function tailOf(file: string, lines = 25): string {
  try {
    const all = readFileSync(file, 'utf8').trimEnd().split('\n');
    return all.slice(-lines).join('\n');
  } catch {
    return '(no log captured)';
  }
}
