// Copies the files the pages load from node_modules into public/vendor/
// (gitignored), so the server serves them from its web root like any page file.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const vendor = join(web, 'public', 'vendor');
const files = [
  ['uplot/dist/uPlot.esm.js', 'uPlot.esm.js'],
  ['uplot/dist/uPlot.min.css', 'uPlot.min.css'],
  // d3-force and the three modules it needs, as UMD scripts setting window.d3
  // (ES modules would need an import map, which CSP script-src 'self' forbids inline).
  ['d3-dispatch/dist/d3-dispatch.min.js', 'd3-dispatch.min.js'],
  ['d3-quadtree/dist/d3-quadtree.min.js', 'd3-quadtree.min.js'],
  ['d3-timer/dist/d3-timer.min.js', 'd3-timer.min.js'],
  ['d3-force/dist/d3-force.min.js', 'd3-force.min.js'],
];
mkdirSync(vendor, { recursive: true });
for (const [from, to] of files) {
  copyFileSync(join(web, 'node_modules', from), join(vendor, to));
}
console.log(`copy-vendor: ${files.length} files into ${vendor}`);
