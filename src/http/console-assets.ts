/**
 * The console's files (HTML, CSS, the compiled scripts), read once at start-up from the package:
 * `console/static/` and `dist/console/`. Only these files are served — no path from a request
 * ever reaches the file system — and nothing comes from a CDN.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { packageRoot } from '../package-root.js';

/** One file, ready to send. */
export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Assets by URL path (`/`, `/console.css`, `/app.js`, …). Throws when the package has no console. */
export function loadConsoleAssets(root: string = packageRoot()): Map<string, ConsoleAsset> {
  const assets = new Map<string, ConsoleAsset>();
  for (const dir of [join(root, 'console', 'static'), join(root, 'dist', 'console')]) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      const type = TYPES[extname(entry.name)];
      if (!entry.isFile() || !type) continue;
      const file = join(entry.parentPath, entry.name);
      assets.set(`/${relative(dir, file).split(sep).join('/')}`, { body: readFileSync(file), contentType: type });
    }
  }
  const index = assets.get('/index.html');
  if (!index || !assets.has('/app.js')) throw new Error(`the console's files are missing under ${root} (console/static, dist/console): run 'npm run build'`);
  assets.set('/', index);
  return assets;
}
