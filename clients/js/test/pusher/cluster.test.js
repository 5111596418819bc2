// Two notify-service instances on one NATS (LEADLINE_NOTIFY_URL_2): presence members and published
// events are the same whichever instance a pusher-js client is connected to.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pusherSystem, Clients, connected, subscribed, uniqueChannel, eventually, Waits } from '../../testing/pusher.js';

const system = pusherSystem();
const opts = system.skip ? { skip: system.skip }
  : system.secondNotifyUrl ? {} : { skip: 'set LEADLINE_NOTIFY_URL_2 (a second notify-service instance on the same NATS) to run this' };
const clients = new Clients(system);

function memberIds(pusher, name) {
  const ids = [];
  pusher.channel(name)?.members.each((m) => ids.push(String(m.id)));
  return ids.sort();
}

describe('Pusher protocol: two notify-service instances', opts, () => {
  let api;

  before(() => {
    api = system.api;
  });

  after(() => clients.closeAll());

  test('presence members are the same on both instances', async () => {
    const lead = await api.publishLead();
    const alice = await api.register('provider', 'pusher_c1');
    const bob = await api.register('provider', 'pusher_c2');
    const name = `presence-lead.${lead.id}`;
    const onFirst = clients.echo(alice.token, system.config.notifyUrl);
    const onSecond = clients.echo(bob.token, system.secondNotifyUrl);
    const joined = [];
    const left = [];
    onFirst.join(`lead.${lead.id}`).joining((m) => joined.push(m)).leaving((m) => left.push(m));
    await eventually(() => onFirst.connector.pusher.channel(name)?.subscribed, 'alice on the first instance');
    onSecond.join(`lead.${lead.id}`);
    await eventually(() => onSecond.connector.pusher.channel(name)?.subscribed, 'bob on the second instance');
    const both = [String(alice.id), String(bob.id)].sort();
    assert.deepEqual(memberIds(onSecond.connector.pusher, name), both, 'the second instance sees the first one\'s member');
    await eventually(() => joined.length === 1, 'bob joining, seen on the first instance', Waits.ROUND_TRIP_MS);
    assert.deepEqual(memberIds(onFirst.connector.pusher, name), both);

    onSecond.leave(`lead.${lead.id}`);
    await eventually(() => left.length === 1, 'bob leaving, seen on the first instance', Waits.ROUND_TRIP_MS);
    assert.deepEqual(memberIds(onFirst.connector.pusher, name), [String(alice.id)]);
  });

  test('an event published through either instance reaches subscribers on both', async () => {
    const name = uniqueChannel('cluster');
    const received = { first: [], second: [] };
    for (const [where, url] of [['first', system.config.notifyUrl], ['second', system.secondNotifyUrl]]) {
      const pusher = clients.pusher({}, url);
      await connected(pusher);
      const channel = pusher.subscribe(name);
      await subscribed(channel);
      channel.bind('news', (data) => received[where].push(data.n));
    }
    await clients.server({ notifyUrl: system.config.notifyUrl }).trigger(name, 'news', { n: 1 });
    await clients.server({ notifyUrl: system.secondNotifyUrl }).trigger(name, 'news', { n: 2 });
    await eventually(() => received.first.length === 2 && received.second.length === 2, 'both events on both instances');
    assert.deepEqual(received.first.sort(), [1, 2]);
    assert.deepEqual(received.second.sort(), [1, 2]);
  });
});
