/**
 * The first page of a report.html as a PNG, in a real headless Chromium (Debian's, as the
 * end-to-end tests use it): the README's screenshots.
 *
 *   node scripts/screenshot-report.ts <runDir>/report.html docs/images/report-quickstart.png
 */
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [html, png] = process.argv.slice(2);
if (!html || !png) {
  console.error('usage: node scripts/screenshot-report.ts <report.html> <out.png>');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  // One screen of a laptop: what a reader sees before scrolling.
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(`file://${resolve(html)}`);
  await page.screenshot({ path: png });
} finally {
  await browser.close();
}
