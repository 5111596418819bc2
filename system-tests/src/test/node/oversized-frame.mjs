// Sends one text frame of SIZE bytes with the `ws` package (a standard Node client) and prints the close
// code the client sees: `close <code>`. Usage: node oversized-frame.mjs <clients/js dir> <ws url> <token> <size>
import { createRequire } from 'node:module';
import path from 'node:path';

const [clientsDir, url, token, size] = process.argv.slice(2);
const require = createRequire(path.join(clientsDir, 'package.json'));
const WebSocket = require('ws');

const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
const giveUp = setTimeout(() => {
  console.log('timeout');
  process.exit(2);
}, 60_000);
socket.on('open', () => socket.send('x'.repeat(Number(size))));
// a write cut off by the server's close surfaces here; the close code still follows
socket.on('error', (error) => console.log(`error ${error.message}`));
socket.on('close', (code) => {
  clearTimeout(giveUp);
  console.log(`close ${code}`);
  process.exit(0);
});
