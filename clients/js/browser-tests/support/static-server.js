// Serves the dashboards straight from the source tree, as notify-service would after a build:
// notify-service/src/main/resources/META-INF/resources at / and clients/js/src at /sdk/.
// For running the browser tests before notify-service's jar contains them (LEADLINE_DASHBOARD_STATIC=1).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const RESOURCES = resolve(here, '../../../../notify-service/src/main/resources/META-INF/resources');
const SDK = resolve(here, '../../src');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
};

export function startStaticServer(port = 0, host = '127.0.0.1') {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const [root, rest] = path.startsWith('/sdk/') ? [SDK, path.slice(5)] : [RESOURCES, path === '/' ? 'index.html' : path.slice(1)];
    const file = normalize(join(root, rest));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolveStart) => server.listen(port, host, () => {
    resolveStart({ server, url: `http://${host}:${server.address().port}`, close: () => new Promise((r) => server.close(r)) });
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] || 18090);
  startStaticServer(port).then(({ url }) => console.log(`dashboards from the source tree at ${url}`));
}
