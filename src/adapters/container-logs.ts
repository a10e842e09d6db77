/** Container output streamed to files in the run directory, with a tail for error messages. */
import { createWriteStream, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';

export const logConsumer = (file: string) => (stream: Readable) => {
  const out = createWriteStream(file, { flags: 'a' });
  stream.pipe(out);
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
