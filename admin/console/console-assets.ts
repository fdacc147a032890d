// Serves the built console (dist/console, from `npm run build:console`) under /console/: hashed assets cached for a
// year, the page itself never, and every client-side route answered with the page.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { AdminEnv } from '../auth/principal.js';

export const CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

interface Asset {
  body: Uint8Array;
  type: string;
}

/** Read once at start: a fixed set of files, so no request path ever reaches the file system. */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const type = CONTENT_TYPES[extname(name)];
        if (type) assets.set(relative(dir, path).split(sep).join('/'), { body: readFileSync(path), type });
      }
    }
  };
  walk(dir);
  return assets;
}

export function consoleAssets(dir: string = CONSOLE_DIR): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  const assets = existsSync(join(dir, 'index.html')) ? loadAssets(dir) : new Map<string, Asset>();
  const index = assets.get('index.html');
  app.get('/console', (c) => c.redirect('/console/', 301));
  app.get('/console/*', (c) => {
    if (!index) {
      return c.json({ error: 'the console is not built: run `npm run build:console`' }, 503);
    }
    const path = c.req.path.slice('/console/'.length);
    const asset = path.startsWith('assets/') ? assets.get(path) : undefined;
    if (path.startsWith('assets/') && !asset) return c.json({ error: `no console asset ${path}` }, 404);
    const served = asset ?? index;
    // Asset names carry a hash of their content: a new build has new names, so a year-long cache is safe.
    c.header('Cache-Control', asset ? 'public, max-age=31536000, immutable' : 'no-cache');
    c.header('Content-Type', served.type);
    return c.body(served.body.slice());
  });
  return app;
}
