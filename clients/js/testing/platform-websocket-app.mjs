// An application as React Native runs the SDK: the platform's own WebSocket, no DOM (no window, document,
// localStorage or global addEventListener), no `ws` package. Started in a process of its own by
// test/integration/platform-websocket.test.js; reports what happens as JSON lines on stdout and takes
// commands on stdin.
import { createInterface } from 'node:readline';
import { LeadlineClient } from '../src/leadline.js';

const report = (line) => process.stdout.write(JSON.stringify(line) + '\n');

const missing = ['window', 'document', 'localStorage', 'addEventListener'].filter((name) => name in globalThis);
if (typeof globalThis.WebSocket !== 'function' || missing.length > 0) {
  report({ step: 'wrong_platform', websocket: typeof globalThis.WebSocket, dom: missing });
  process.exit(2);
}

// no WebSocket option: the client takes the platform's
const client = new LeadlineClient({ url: process.env.LEADLINE_APP_WS_URL, token: process.env.LEADLINE_APP_TOKEN });
client.on('state', ({ state }) => report({ step: 'state', state }));
client.on('error', (e) => report({ step: 'error', code: e.code, message: e.message }));
client.onEvent('notification_message', (e) => report({ step: 'event', channel: e.channel, type: e.type, title: e.data.title }));
const leads = client.subscribe('leads', {
  lead_created: (e) => report({ step: 'event', channel: e.channel, type: e.type, title: e.data.title }),
});

const commands = { drop: () => client.simulateDrop(), close: () => {
  client.close();
  process.exit(0);
} };
createInterface({ input: process.stdin }).on('line', (line) => commands[line.trim()]?.());

await client.connect();
await leads.ready();
report({ step: 'subscribed', channels: client.channels() });
