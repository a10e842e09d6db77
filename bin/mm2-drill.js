#!/usr/bin/env node
// Entry point. A clone of the repository runs its TypeScript sources directly (Node strips the
// types); the published package ships them compiled to dist/, because Node refuses to strip
// types under node_modules. Node >= 22.19: what the tool's own dependencies require (undici).
import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `mm2-drill needs Node >= 22.19 (this is ${process.version}): install Node 22.19 or newer (https://nodejs.org),` +
      ` or give the project its own with \`npm install --save-dev node@24\` (npm scripts and npx run it; docs/setup.md),` +
      ` or in a clone of mm2-drill run \`npm run setup\`, which provides one for \`npx mm2-drill\`.\n`,
  );
  process.exitCode = 3;
} else {
  // kafkajs' request queue schedules its throttle check with a negative delay after a broker dies;
  // Node clamps it to 1 ms and warns. The warning is noise in a drill that kills brokers on purpose.
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning, ...rest) => {
    const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
    if (type === 'TimeoutNegativeWarning') return;
    emitWarning.call(process, warning, ...rest);
  };
  // A reader that closed the pipe early (`mm2-drill list … | head`) has what it wanted: not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
  const source = new URL('../src/cli/main.ts', import.meta.url);
  const { main } = await import(existsSync(source) ? source.href : '../dist/cli/main.js');
  process.exitCode = await main(process.argv.slice(2));
  // Output to a pipe is written asynchronously: exiting at once would drop whatever a slow reader
  // has not taken yet (all but the first 64 KiB). A write's callback runs once it and everything
  // before it reached the OS. Only then exit explicitly: kafkajs and testcontainers may leave
  // sockets or timers that would keep the process alive.
  const flushed = (stream) => new Promise((done) => stream.write('', done));
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit();
}
