/** Text in a terminal style (`util.styleText`) when colours are on — adapters/terminal-colors.ts decides — else as it is. */
import { styleText } from 'node:util';

export type Style = Parameters<typeof styleText>[0];

export const paint = (on: boolean, style: Style, text: string): string => (on ? styleText(style, text, { validateStream: false }) : text);
