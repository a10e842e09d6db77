/**
 * One side of a channel through a shared directory (core/plan/producer-hosts.ts has its layout and
 * format): messages written to `outDir`, one file each, renamed into place whole; messages read
 * from `inDir` in sequence, each opened by its name as soon as it is there and removed once read.
 * What the directory must give: an atomic rename and a file visible to the other side once renamed
 * — a local directory, a ReadWriteMany volume, an NFS export mounted with `lookupcache=positive`
 * (or `none`) so that a name looked up before it existed is looked up again (docs/scale.md).
 */
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMessage, encodeMessage, messageFile } from '../../core/plan/producer-hosts.ts';

/** How often the next message is looked for: a ping's round trip is about two of these. */
const POLL_MS = 5;

export class DirectoryChannel<In, Out> {
  private nextIn = 0;
  private nextOut = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly handlers: ((m: In) => void)[] = [];
  /** When a message last came (this side's clock): a side that went silent is gone. */
  lastHeard = Date.now();
  /** Why the channel broke (a message this side cannot read), once it did. */
  problem: string | null = null;

  private readonly outDir: string;
  private readonly inDir: string;

  constructor(outDir: string, inDir: string) {
    this.outDir = outDir;
    this.inDir = inDir;
    mkdirSync(outDir, { recursive: true });
    mkdirSync(inDir, { recursive: true });
  }

  /** Writes the next message; its file is readable by owner only: a start holds the client's credentials. */
  send(m: Out): void {
    const file = join(this.outDir, messageFile(this.nextOut));
    writeFileSync(`${file}.tmp`, encodeMessage(this.nextOut, m), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    this.nextOut += 1;
  }

  onMessage(fn: (m: In) => void): void {
    this.handlers.push(fn);
    if (!this.timer) this.poll();
  }

  private poll(): void {
    this.timer = null;
    for (;;) {
      const file = join(this.inDir, messageFile(this.nextIn));
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        break;
      }
      const decoded = decodeMessage(text, this.nextIn);
      if ('problem' in decoded) {
        this.problem = `${file}: ${decoded.problem}`;
        return;
      }
      unlinkSync(file);
      this.nextIn += 1;
      this.lastHeard = Date.now();
      for (const h of this.handlers) h(decoded.body as In);
      if (this.closed) return;
    }
    if (!this.closed) this.timer = setTimeout(() => this.poll(), POLL_MS);
  }

  private closed = false;
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
