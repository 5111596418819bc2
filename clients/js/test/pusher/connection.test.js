// pusher-js against notify-service's Pusher protocol 7 endpoint (/app/{key}): the handshake, keep-alive
// pings and reconnecting. Needs the variables of testing/env.js and LEADLINE_PUSHER_APP_ID/_KEY/_SECRET.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { restartHooks, sleep } from '../../testing/env.js';
import { pusherSystem, Clients, connected, subscribed, uniqueChannel, eventually, Waits } from '../../testing/pusher.js';

const system = pusherSystem();
const opts = system.skip ? { skip: system.skip } : {};
const clients = new Clients(system);

describe('Pusher protocol: connection', opts, () => {
  after(() => clients.closeAll());

  test('connects and receives pusher:connection_established with a socket id like 123.456', async () => {
    const raw = await clients.raw();
    const established = await raw.established();
    assert.match(established.socket_id, /^\d+\.\d+$/);
    assert.ok(Number.isInteger(established.activity_timeout) && established.activity_timeout > 0,
      `activity_timeout in seconds (${established.activity_timeout})`);

    const pusher = clients.pusher();
    const socketId = await connected(pusher);
    assert.match(socketId, /^\d+\.\d+$/);
    assert.notEqual(socketId, established.socket_id, 'each connection has its own socket id');
  });

  test('keeps the connection across activity timeouts: pusher:ping is answered with pusher:pong', async () => {
    const raw = await clients.raw();
    await raw.established();
    raw.send({ event: 'pusher:ping', data: {} });
    await raw.next((f) => f.event === 'pusher:pong', 'pusher:pong');

    // pusher-js pings after activityTimeout without traffic and drops the connection when no pong comes
    const pusher = clients.pusher({ activityTimeout: 1000, pongTimeout: 3000 });
    await connected(pusher);
    const states = [];
    pusher.connection.bind('state_change', (change) => states.push(`${change.previous}->${change.current}`));
    const pings = [];
    pusher.connection.bind('message', (message) => {
      if (message.event === 'pusher:pong') pings.push(Date.now());
    });
    await sleep(7_000);
    assert.equal(pusher.connection.state, 'connected', `still connected (state changes: ${states.join(', ')})`);
    assert.deepEqual(states, [], 'no reconnect across several ping periods');
    assert.ok(pings.length >= 2, `pongs received for the client's pings (${pings.length})`);
  });

  test('after disconnect() and connect() the channels are subscribed again and events flow', async () => {
    const pusher = clients.pusher();
    await connected(pusher);
    const name = uniqueChannel('reconnect');
    const channel = pusher.subscribe(name);
    await subscribed(channel);
    const received = [];
    channel.bind('tick', (data) => received.push(data.n));
    const server = clients.server();
    await server.trigger(name, 'tick', { n: 1 });
    await eventually(() => received.includes(1), 'the first event');

    const firstSocket = pusher.connection.socket_id;
    pusher.disconnect();
    await eventually(() => pusher.connection.state === 'disconnected', 'the disconnect');
    pusher.connect();
    const secondSocket = await connected(pusher);
    assert.notEqual(secondSocket, firstSocket, 'a new connection');
    await eventually(() => channel.subscribed, 'the resubscription after connect()');
    await server.trigger(name, 'tick', { n: 2 });
    await eventually(() => received.includes(2), 'an event after the reconnect');
    assert.deepEqual(received, [1, 2]);
  });

  test('after notify-service restarts, pusher-js reconnects, resubscribes and receives events', async (t) => {
    const hooks = restartHooks();
    if (hooks.skip) {
      t.skip(hooks.skip);
      return;
    }
    const pusher = clients.pusher();
    await connected(pusher);
    const name = uniqueChannel('restart');
    const channel = pusher.subscribe(name);
    await subscribed(channel);
    const received = [];
    channel.bind('tick', (data) => received.push(data.n));
    const firstSocket = pusher.connection.socket_id;

    await hooks.stop();
    await eventually(() => pusher.connection.state !== 'connected', 'the client to notice the stop', Waits.RECONNECT_MS);
    await hooks.start();
    const secondSocket = await connected(pusher, Waits.RECONNECT_MS * 2);
    assert.notEqual(secondSocket, firstSocket);
    await eventually(() => channel.subscribed, 'the resubscription', Waits.RECONNECT_MS);
    // the HTTP API of the restarted instance: retried until its publisher is up again
    await eventually(async () => {
      await clients.server().trigger(name, 'tick', { n: 3 });
      return true;
    }, 'a trigger on the restarted service', Waits.RECONNECT_MS, 1_000);
    await eventually(() => received.includes(3), 'the event after the restart', Waits.ROUND_TRIP_MS);
  });
});
