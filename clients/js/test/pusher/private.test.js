// Private channels through laravel-echo (pusher broadcaster): notify-service's /api/broadcasting/auth signs
// the subscription for the signed-in user; Leadline events arrive under their Leadline type names.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '../../testing/env.js';
import {
  pusherSystem, Clients, channelAuth, eventually, Waits,
} from '../../testing/pusher.js';

const system = pusherSystem();
const opts = system.skip ? { skip: system.skip } : {};
const clients = new Clients(system);

/** Resolves when an Echo channel is subscribed, rejects with the subscription error. */
function echoSubscribed(channel, timeoutMs = Waits.ROUND_TRIP_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no subscription answer for ${channel.name} in ${timeoutMs} ms`)), timeoutMs);
    channel.subscribed(() => {
      clearTimeout(timer);
      resolve();
    });
    channel.error((error) => {
      clearTimeout(timer);
      reject(new Error(`${channel.name} refused: ${JSON.stringify(error)}`));
    });
  });
}

describe('Pusher protocol: private channels with laravel-echo', opts, () => {
  let api;

  before(() => {
    api = system.api;
  });

  after(() => clients.closeAll());

  test("Echo.private('user.{id}') receives the user's balance_updated after a wallet grant", async () => {
    const user = await api.register('provider', 'pusher_pu');
    const echo = clients.echo(user.token);
    const balances = [];
    const channel = echo.private(`user.${user.id}`).listen('.balance_updated', (e) => balances.push(e));
    await echoSubscribed(channel);
    await api.grant(user.id, 25, 'pusher private channel test');
    await eventually(() => balances.length >= 1, 'balance_updated on private-user.' + user.id);
    assert.equal(balances[0].new_balance, 25, JSON.stringify(balances[0]));
  });

  test("Echo.private('property-manager.{id}') receives lead.distributed as {lead, score, notification}", async () => {
    const manager = await api.register('property_manager', 'pusher_pm');
    const city = 'Pusherville' + Math.random().toString(36).replace(/[^a-z]/g, '').slice(0, 8);
    await api.putProfile(manager.token, {
      categories: ['plumbing'],
      service_areas: [{ city, state: 'TX', zip: '78701' }],
      property_types: ['single_family'],
      min_units: 1,
      max_units: 4,
    });
    const echo = clients.echo(manager.token);
    const distributed = [];
    const channel = echo.private(`property-manager.${manager.id}`).listen('.lead.distributed', (e) => distributed.push(e));
    await echoSubscribed(channel);
    const lead = await api.publishLead({ category: 'plumbing', city, state: 'TX', zip: '78701' });
    const event = await eventually(() => distributed.find((e) => String(e.lead?.id) === String(lead.id)),
      `lead.distributed of lead ${lead.id} (received: ${JSON.stringify(distributed).slice(0, 500)})`);
    assert.deepEqual(Object.keys(event).sort(), ['lead', 'notification', 'score']);
    assert.equal(event.lead.title, lead.title);
    assert.equal(typeof event.score.score, 'number');
    assert.ok(event.notification.title, 'a ready notification');
    for (const secret of ['contact', 'contact_name', 'contact_email', 'contact_phone']) {
      assert.equal(event.lead[secret], undefined, `${secret} never travels with a distributed lead`);
    }
  });

  test("another user's private-user channel is refused: Echo's error callback gets status 403", async () => {
    const me = await api.register('provider', 'pusher_me');
    const other = await api.register('provider', 'pusher_ot');
    const echo = clients.echo(me.token);
    const errors = [];
    const events = [];
    const channel = echo.private(`user.${other.id}`)
      .listen('.balance_updated', (e) => events.push(e))
      .error((e) => errors.push(e));
    await eventually(() => errors.length >= 1, 'the subscription error');
    assert.equal(errors[0].status, 403, JSON.stringify(errors[0]));
    assert.equal(echo.connector.pusher.channel(channel.name)?.subscribed ?? false, false);
    // the refused subscriber gets nothing of the other user's events; the owner does
    const owner = clients.echo(other.token);
    const seenByOwner = [];
    const ownChannel = owner.private(`user.${other.id}`).listen('.balance_updated', (e) => seenByOwner.push(e));
    await echoSubscribed(ownChannel);
    await api.grant(other.id, 5, 'pusher refused test');
    await eventually(() => seenByOwner.length >= 1, 'the owner to get balance_updated');
    await sleep(300);
    assert.deepEqual(events, []);
  });

  test('a raw pusher:subscribe with a made-up signature is refused and delivers nothing', async () => {
    const victim = await api.register('provider', 'pusher_vi');
    const raw = await clients.raw();
    const { socket_id: socketId } = await raw.established();
    const name = `private-user.${victim.id}`;
    raw.subscribe(name, channelAuth(system.app.key, 'made-up-secret', socketId, name));
    const refusal = await raw.next((f) => (f.event === 'pusher:subscription_error' && f.channel === name)
      || f.event === 'pusher:error', 'pusher:subscription_error or pusher:error');
    if (refusal.event === 'pusher:subscription_error') {
      assert.ok([401, 403].includes(refusal.data?.status), `status 401/403 (${JSON.stringify(refusal.data)})`);
    }
    // an auth string without the key prefix is refused too
    const bare = `private-user.${victim.id}`;
    raw.frames.length = 0;
    raw.subscribe(bare, 'deadbeef');
    await raw.next((f) => (f.event === 'pusher:subscription_error' && f.channel === bare) || f.event === 'pusher:error',
      'the refusal of an auth without key');

    const echo = clients.echo(victim.token);
    const seen = [];
    const channel = echo.private(`user.${victim.id}`).listen('.balance_updated', (e) => seen.push(e));
    await echoSubscribed(channel);
    await api.grant(victim.id, 7, 'pusher forged auth test');
    await eventually(() => seen.length >= 1, "the victim's own balance_updated");
    await sleep(300);
    assert.deepEqual(raw.frames.filter((f) => f.channel === name && !f.event.startsWith('pusher')), [],
      'nothing delivered to the forged subscription');
    assert.equal(raw.closed, null, 'the connection stays open');
  });
});
