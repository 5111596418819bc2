// Presence channels (presence-lead.{id}) through laravel-echo: members, joins and leaves across users,
// whispers (client events), and channel_data that the auth endpoint did not sign.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '../../testing/env.js';
import { pusherSystem, Clients, broadcastingAuth, eventually } from '../../testing/pusher.js';

const system = pusherSystem();
const opts = system.skip ? { skip: system.skip } : {};
const clients = new Clients(system);

/** Joins presence-lead.{leadId} with Echo for a user; records here/joining/leaving/whispers. */
function join(user, leadId) {
  const echo = clients.echo(user.token);
  const seen = { here: null, joining: [], leaving: [], typing: [], errors: [] };
  const channel = echo.join(`lead.${leadId}`)
    .here((members) => {
      seen.here = members;
    })
    .joining((member) => seen.joining.push(member))
    .leaving((member) => seen.leaving.push(member))
    .listenForWhisper('typing', (e) => seen.typing.push(e))
    .error((e) => seen.errors.push(e));
  return { echo, channel, seen, user };
}

/** The member ids pusher-js holds for a presence channel of an Echo client. */
function memberIds(echo, name) {
  const ids = [];
  echo.connector.pusher.channel(name)?.members.each((m) => ids.push(String(m.id)));
  return ids.sort();
}

describe('Pusher protocol: presence channels', opts, () => {
  let api;
  let leadId;
  let alice;
  let bob;

  before(async () => {
    api = system.api;
    leadId = (await api.publishLead()).id;
    alice = await api.register('provider', 'pusher_al');
    bob = await api.register('provider', 'pusher_bo');
  });

  after(() => clients.closeAll());

  test('here(), joining() and leaving() across two users on presence-lead.{id}', async () => {
    const a = join(alice, leadId);
    await eventually(() => a.seen.here || a.seen.errors.length, 'here() for the first member');
    assert.deepEqual(a.seen.errors, []);
    assert.equal(a.seen.here.length, 1, JSON.stringify(a.seen.here));
    assert.deepEqual(memberIds(a.echo, `presence-lead.${leadId}`), [String(alice.id)]);

    const b = join(bob, leadId);
    await eventually(() => b.seen.here, 'here() for the second member');
    assert.equal(b.seen.here.length, 2, JSON.stringify(b.seen.here));
    assert.deepEqual(memberIds(b.echo, `presence-lead.${leadId}`), [String(alice.id), String(bob.id)].sort());
    await eventually(() => a.seen.joining.length === 1, 'joining() on the first member');
    assert.equal(a.seen.joining[0].role, 'provider', JSON.stringify(a.seen.joining[0]));
    assert.deepEqual(memberIds(a.echo, `presence-lead.${leadId}`), [String(alice.id), String(bob.id)].sort());

    b.echo.leave(`lead.${leadId}`);
    await eventually(() => a.seen.leaving.length === 1, 'leaving() on the first member');
    assert.deepEqual(a.seen.leaving[0], a.seen.joining[0], 'the member that joined is the one that left');
    assert.deepEqual(memberIds(a.echo, `presence-lead.${leadId}`), [String(alice.id)]);
    a.echo.leave(`lead.${leadId}`);
  });

  test('two users joining at the same moment each end up seeing both members', async () => {
    const lead = await api.publishLead();
    const name = `presence-lead.${lead.id}`;
    const a = join(alice, lead.id);
    const b = join(bob, lead.id);
    const both = [String(alice.id), String(bob.id)].sort();
    await eventually(() => String(memberIds(a.echo, name)) === String(both) && String(memberIds(b.echo, name)) === String(both),
      () => `both members on both clients (first: ${memberIds(a.echo, name)} ${JSON.stringify(a.seen)}; `
        + `second: ${memberIds(b.echo, name)} ${JSON.stringify(b.seen)})`);
    a.echo.leave(`lead.${lead.id}`);
    b.echo.leave(`lead.${lead.id}`);
  });

  test("a presence subscription with channel_data naming another user is refused", async () => {
    const raw = await clients.raw();
    const { socket_id: socketId } = await raw.established();
    const name = `presence-lead.${leadId}`;
    const answer = await broadcastingAuth(system.config.notifyUrl, alice.token, socketId, name);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const signed = JSON.parse(answer.body.channel_data);
    assert.equal(String(signed.user_id), String(alice.id), 'the server wrote the member from the token');
    const forged = JSON.stringify({ ...signed, user_id: String(bob.id) });
    raw.subscribe(name, answer.body.auth, forged);
    const refusal = await raw.next((f) => (f.event === 'pusher:subscription_error' && f.channel === name)
      || f.event === 'pusher:error' || f.event === 'pusher_internal:subscription_succeeded', 'the answer to the subscribe');
    assert.notEqual(refusal.event, 'pusher_internal:subscription_succeeded', `refused: ${raw.describe()}`);

    // the genuine channel_data with the same auth is accepted, and the member is alice
    raw.subscribe(name, answer.body.auth, answer.body.channel_data);
    const ok = await raw.next((f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === name,
      'the genuine subscription');
    assert.ok(ok.data.presence.ids.map(String).includes(String(alice.id)));
    assert.ok(!ok.data.presence.ids.map(String).includes(String(bob.id)), 'bob was never made a member');
    raw.send({ event: 'pusher:unsubscribe', data: { channel: name } });
  });

  test('a whisper reaches the other member and not the sender', async () => {
    const name = `presence-lead.${leadId}`;
    const a = join(alice, leadId);
    await eventually(() => a.seen.here, () => `the first member subscribed (${JSON.stringify(a.seen)})`);
    const b = join(bob, leadId);
    await eventually(() => memberIds(a.echo, name).length === 2 && memberIds(b.echo, name).length === 2,
      () => `both members present on both (first: ${memberIds(a.echo, name)} ${JSON.stringify(a.seen)}; `
        + `second: ${memberIds(b.echo, name)} ${JSON.stringify(b.seen)})`);
    a.channel.whisper('typing', { who: 'alice', at: 1 });
    await eventually(() => b.seen.typing.length === 1, 'the whisper at the other member');
    assert.deepEqual(b.seen.typing[0], { who: 'alice', at: 1 });
    b.channel.whisper('typing', { who: 'bob', at: 2 });
    await eventually(() => a.seen.typing.length === 1, "the reply at the first member");
    await sleep(300);
    assert.deepEqual(a.seen.typing, [{ who: 'bob', at: 2 }], 'the sender never gets its own whisper');
    assert.deepEqual(b.seen.typing, [{ who: 'alice', at: 1 }], 'the sender never gets its own whisper');
    a.echo.leave(`lead.${leadId}`);
    b.echo.leave(`lead.${leadId}`);
  });
});
