// The official `pusher` server library publishing through notify-service's Pusher HTTP API
// (/apps/{app_id}/events, /batch_events) to pusher-js clients on /app/{key}.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '../../testing/env.js';
import { pusherSystem, Clients, connected, subscribed, uniqueChannel, eventually } from '../../testing/pusher.js';

const system = pusherSystem();
const opts = system.skip ? { skip: system.skip } : {};
const clients = new Clients(system);

/** A connected pusher-js client subscribed to `name`, collecting every event of `eventName`. */
async function listener(name, eventName) {
  const pusher = clients.pusher();
  const socketId = await connected(pusher);
  const channel = pusher.subscribe(name);
  await subscribed(channel);
  const events = [];
  channel.bind(eventName, (data) => events.push(data));
  return { pusher, socketId, channel, events };
}

describe('Pusher HTTP API', opts, () => {
  after(() => clients.closeAll());

  test('an event triggered with the server library reaches a public channel subscriber', async () => {
    const name = uniqueChannel('public');
    const { events } = await listener(name, 'order-shipped');
    const response = await clients.server().trigger(name, 'order-shipped', { order: 42, items: ['a', 'b'] });
    assert.equal(response.status, 200);
    await eventually(() => events.length === 1, 'the triggered event');
    assert.deepEqual(events[0], { order: 42, items: ['a', 'b'] });
  });

  test('a batch triggered with triggerBatch arrives, each event on its channel', async () => {
    const first = uniqueChannel('batch-a');
    const second = uniqueChannel('batch-b');
    const a = await listener(first, 'step');
    const b = await listener(second, 'step');
    const response = await clients.server().triggerBatch([
      { channel: first, name: 'step', data: { n: 1 } },
      { channel: second, name: 'step', data: { n: 2 } },
      { channel: first, name: 'step', data: { n: 3 } },
    ]);
    assert.equal(response.status, 200);
    await eventually(() => a.events.length === 2 && b.events.length === 1, 'the three batch events');
    assert.deepEqual(a.events.map((e) => e.n), [1, 3], 'in order on the first channel');
    assert.deepEqual(b.events.map((e) => e.n), [2]);
  });

  test('a trigger signed with a wrong secret is refused with 401 and nothing arrives', async () => {
    const name = uniqueChannel('forged');
    const { events } = await listener(name, 'msg');
    const forger = clients.server({ secret: 'not-the-secret-' + Date.now() });
    await assert.rejects(forger.trigger(name, 'msg', { forged: true }), (error) => {
      assert.equal(error.status, 401, `status of ${error.message} (body ${error.body})`);
      return true;
    });
    // a genuine event after the refused one: once it is here, the refused one would have been too
    await clients.server().trigger(name, 'msg', { forged: false });
    await eventually(() => events.length >= 1, 'the genuine event');
    await sleep(300);
    assert.deepEqual(events, [{ forged: false }]);
  });

  test('the socket named in socket_id is excluded from the event; other subscribers get it', async () => {
    const name = uniqueChannel('exclude');
    const sender = await listener(name, 'edit');
    const other = await listener(name, 'edit');
    const server = clients.server();
    await server.trigger(name, 'edit', { n: 1 }, { socket_id: sender.socketId });
    await server.trigger(name, 'edit', { n: 2 });
    await eventually(() => other.events.length === 2 && sender.events.length === 1, 'the events on both sockets');
    assert.deepEqual(other.events.map((e) => e.n), [1, 2]);
    assert.deepEqual(sender.events.map((e) => e.n), [2], 'the excluded socket got only the second event');
  });
});
