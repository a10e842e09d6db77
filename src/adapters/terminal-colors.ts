/**
 * The one rule for colours on or off, for every stream the tool writes to: Node's own, which
 * `util.styleText` applies when it validates a stream — FORCE_COLOR turns colours on (into a pipe
 * too), NO_COLOR, NODE_DISABLE_COLORS and TERM=dumb turn them off, otherwise a colour terminal
 * only. Asked once per stream; the renderers then paint (render/paint.ts) or not.
 */
import { styleText } from 'node:util';

export function colorsOn(stream: NodeJS.WritableStream): boolean {
  try {
    return styleText('red', '.', { stream, validateStream: true }) !== '.';
  } catch {
    // Not a Node stream (a writer of the tests, say): no terminal behind it.
    return false;
  }
}
