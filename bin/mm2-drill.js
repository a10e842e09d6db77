#!/usr/bin/env node
// Entry point. Node >= 22.18 runs the TypeScript sources directly (type stripping).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`mm2-drill needs Node >= 22.18 (this is ${process.version}); run \`npm run setup\`, then use \`npx mm2-drill\`.\n`);
  process.exit(3);
}
const { main } = await import('../src/cli/main.ts');
process.exit(await main(process.argv.slice(2)));
