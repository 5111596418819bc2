// Serves the dashboards straight from the source tree, as notify-service would after a build:
// notify-service/src/main/resources/META-INF/resources at / and clients/js/src at /sdk/, /config.json
// from the environment, and /api/ and /ws passed through to LEADLINE_NOTIFY_URL (the pages talk to their
// own origin only). For running the browser tests before notify-service's jar contains them
// (LEADLINE_DASHBOARD_STATIC=1).
import { createServer, request as httpRequest } from 'node:http';
import { connect as tcpConnect } from 'node:net';
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
    if (path === '/config.json') {
      // what notify-service serves from leadline.dashboard.*: here from the test environment
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
      res.end(JSON.stringify({ leads_url: process.env.LEADLINE_LEADS_URL, payments_url: process.env.LEADLINE_PAYMENTS_URL }));
      return;
    }
    if (path.startsWith('/api/')) {
      passThrough(req, res);
      return;
    }
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
  server.on('upgrade', (req, socket, head) => {
    const notify = new URL(process.env.LEADLINE_NOTIFY_URL || 'http://127.0.0.1:8080');
    const upstream = tcpConnect(Number(notify.port || 80), notify.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i].toLowerCase() === 'host' ? notify.host : req.rawHeaders[i + 1]}`);
      }
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  return new Promise((resolveStart) => server.listen(port, host, () => {
    resolveStart({ server, url: `http://${host}:${server.address().port}`, close: () => new Promise((r) => server.close(r)) });
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] || 18090);
  startStaticServer(port).then(({ url }) => console.log(`dashboards from the source tree at ${url}`));
}

/** An /api/ request of a page, answered by notify-service. */
function passThrough(req, res) {
  const notify = new URL(process.env.LEADLINE_NOTIFY_URL || 'http://127.0.0.1:8080');
  const upstream = httpRequest({
    host: notify.hostname, port: notify.port || 80, method: req.method, path: req.url,
    headers: { ...req.headers, host: notify.host },
  }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (e) => res.writeHead(502, { 'Content-Type': 'text/plain' }).end('notify-service: ' + e.message));
  req.pipe(upstream);
}
