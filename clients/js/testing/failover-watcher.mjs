// Watches channels through real SDK clients for the system tests that break the platform under traffic
// (system-tests ClusterFailoverIT). Started by the test with one argument, a JSON file:
//   { "instances": ["ws://127.0.0.1:P1/ws", "ws://127.0.0.1:P2/ws"], "leadsUrl": "http://127.0.0.1:P",
//     "clients": [{ "username": …, "password": …, "home": 0, "channels": ["leads"] }, …] }
// Client i connects first to instances[home] and, as behind a load balancer, each later attempt of that
// client goes to the next instance in turn, so a client whose instance stops lands on the other one.
// Each client subscribes to its channels (its own user.{id} comes by itself) and reconnects, resumes with
// since and drops duplicates as the SDK does. One JSON line per thing on stdout:
//   {"c":i,"e":"connected","instance":k}          a socket of client i opened on instances[k]
//   {"c":i,"ch":…,"seq":…,"id":…}                 an event the SDK handed to the application
//   {"ready":true}                                every client connected and subscribed
// It runs until stdin closes (the test ends it), then closes every client and exits.
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { LeadlineClient } from '../src/leadline.js';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = (line) => process.stdout.write(JSON.stringify(line) + '\n');

async function tokenOf(client) {
  const response = await fetch(config.leadsUrl + '/api/auth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: client.username, password: client.password }),
  });
  if (!response.ok) throw new Error('token for ' + client.username + ': HTTP ' + response.status);
  return (await response.json()).access_token;
}

/** A WebSocket class that sends attempt n of one client to instances[(home + n) % instances.length]. */
function balancedWebSocket(index, home) {
  let attempt = 0;
  return class extends WebSocket {
    constructor(url, ...rest) {
      const instance = (home + attempt++) % config.instances.length;
      const target = new URL(config.instances[instance]);
      const asked = new URL(url);
      asked.host = target.host;
      super(asked.toString(), ...rest);
      this.addEventListener('open', () => out({ c: index, e: 'connected', instance }));
    }
  };
}

const clients = config.clients.map((spec, index) => {
  const client = new LeadlineClient({
    url: config.instances[spec.home],
    WebSocket: balancedWebSocket(index, spec.home),
    auth: 'header',
    getToken: () => tokenOf(spec),
    onlineEvents: false,
    backoff: { initialMs: 200, maxMs: 2_000 },
    logger: { warn: (...args) => process.stderr.write('client ' + index + ': ' + args.join(' ') + '\n') },
  });
  client.onEvent('*', (event) => out({ c: index, ch: event.channel, seq: event.seq, id: event.id }));
  return client;
});

await Promise.all(clients.map(async (client, index) => {
  await client.connect();
  await Promise.all(config.clients[index].channels.map((channel) => client.subscribe(channel).ready()));
}));
out({ ready: true });

process.stdin.resume();
process.stdin.on('end', () => {
  for (const client of clients) client.close();
  process.exit(0);
});
