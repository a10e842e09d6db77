/** This package's version, from package.json. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const toolVersion: string = (JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;
