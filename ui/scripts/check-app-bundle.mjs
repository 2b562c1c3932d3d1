// The inspector app's bundle (what Tauri ships: its frontendDist) must carry
// no mock backend and no dashboard strings. Fails naming what it found, and
// prints the bundle's size and gzip size: the whole directory, and the files
// the app's index.html loads (followed through static and dynamic imports).
// Usage: node scripts/check-app-bundle.mjs [dir]   (default: dist-app)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2] ?? 'dist-app';
const files = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]));
const all = files(dir);
const size = (list) => list.reduce((a, f) => {
  const b = readFileSync(f);
  return [a[0] + b.length, a[1] + gzipSync(b, { level: 9 }).length];
}, [0, 0]);

// What index.html loads, transitively.
const loaded = new Set();
const visit = (file) => {
  if (loaded.has(file)) return;
  loaded.add(file);
  const text = readFileSync(file, 'utf8');
  const refs = file.endsWith('.html')
    ? [...text.matchAll(/(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map((m) => join(dir, m[1]))
    : [...text.matchAll(/(?:from|import)\s*\(?\s*["']\.\/([^"']+\.(?:js|css))["']/g)].map((m) => join(dirname(file), m[1]));
  for (const r of refs) if (all.includes(r)) visit(r);
};
visit(join(dir, 'index.html'));

// Markers: what only the mock backend and its demo data contain, and
// strings only the supervisors' dashboard uses.
const markers = [
  ['the mock backend', 'offline.invalid'],
  ['the mock backend', '192.168.43.1:47000'],
  ['the mock demo data', '谈固街区生活服务集聚中心'],
  ['dashboard strings', "d.pb.title"],
  ['dashboard strings', '整改台账'],
  ['dashboard strings', 'd.rep.gloss'],
];
const found = all.filter((f) => f.endsWith('dashboard.html')).map((f) => `${relative(dir, f)}: the dashboard page`);
for (const f of all) {
  const text = readFileSync(f, 'utf8');
  for (const [what, marker] of markers) if (text.includes(marker)) found.push(`${relative(dir, f)}: ${what} (“${marker}”)`);
}
const [bytes, gz] = size(all);
const [lb, lg] = size([...loaded]);
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`app bundle (${dir}): ${all.length} files, ${kib(bytes)}, gzip ${kib(gz)}; loaded by index.html: ${loaded.size} files, ${kib(lb)}, gzip ${kib(lg)}`);
if (found.length) {
  console.error(`the app bundle carries what the phone does not use:\n  ${found.join('\n  ')}`);
  process.exit(1);
}
