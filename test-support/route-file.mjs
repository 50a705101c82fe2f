#!/usr/bin/env node
// A router driven by commands, for tests of the `command` router: the route lives in a file.
// `route-file.mjs get FILE` prints it; `route-file.mjs set FILE COLOR WEIGHT` sends WEIGHT% to COLOR.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [, , verb, file, color, weight] = process.argv;
const colors = ['blue', 'green'];
if (verb === 'get') {
  process.stdout.write(existsSync(file) ? readFileSync(file, 'utf8') : '');
} else if (verb === 'set' && colors.includes(color) && /^\d+$/.test(weight ?? '')) {
  const other = colors.find((c) => c !== color);
  const percent = Number(weight);
  writeFileSync(file, percent === 100 ? `${color}\n` : `${color}=${percent} ${other}=${100 - percent}\n`);
} else {
  console.error('usage: route-file.mjs get FILE | set FILE COLOR WEIGHT');
  process.exit(2);
}
