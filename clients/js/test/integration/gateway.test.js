// The SDK against the real notify-service, with users and events made through the public REST APIs.
// Needs LEADLINE_NOTIFY_URL, LEADLINE_LEADS_URL, LEADLINE_ADMIN_USERNAME, LEADLINE_ADMIN_PASSWORD;
// skips with a message when they are not set.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { LeadlineClient, States } from '../../src/leadline.js';
import { liveSystem, eventually, Waits } from '../../testing/env.js';
import { FakeWindow } from '../../testing/fakes.js';

const live = liveSystem();
const opts = live.skip ? { skip: live.skip } : {};
const clients = [];

function client(options) {
  const c = new LeadlineClient({
    url: live.ws, WebSocket, onlineEvents: false, backoff: { initialMs: 200, maxMs: 2_000 }, ...options,
  });
  clients.push(c);
  return c;
}

/**
 * A token provider for a user: each connection gets a token issued then, so that no test depends on how
 * long the suite has been running (with LEADLINE_TOKEN_LIFETIME_SECONDS=20, for the 4001 test, a token
 * taken at the start would expire a few tests later).
 */
const tokensOf = (user) => () => live.api.token(user.username, user.password);

/** Collects the events of one type whose lead id is in `ids` (other tests publish leads too). */
function collector(c, channel, type) {
  const events = [];
  c.subscribe(channel, { [type]: (e) => events.push(e) });
  return events;
}

describe('SDK against the real gateway', opts, () => {
  let provider;

  before(async () => {
    provider = await live.api.register('provider', 'sdk_it');
  });

  after(() => {
    for (const c of clients) c.close();
  });

  test('connects with a browser-style subprotocol token and receives lead_created on leads', async () => {
    const c = client({ token: await tokensOf(provider)() });
    const created = collector(c, 'leads', 'lead_created');
    const connected = await c.connect();
    assert.equal(String(connected.user_id), String(provider.id));
    assert.deepEqual(connected.channels, [`user.${provider.id}`]);
    assert.ok(connected.heartbeat_s > 0);
    assert.ok(connected.token_expires_at > Date.now() / 1000);
    await eventually(() => c.channels().includes('leads'), 'the leads subscription');

    const lead = await live.api.publishLead();
    const event = await eventually(() => created.find((e) => String(e.data.id) === String(lead.id)), 'lead_created');
    assert.equal(event.channel, 'leads');
    assert.equal(typeof event.seq, 'number');
    assert.equal(event.data.title, lead.title);
    for (const secret of ['contact', 'contact_name', 'contact_email', 'contact_phone']) {
      assert.equal(event.data[secret], undefined, `${secret} never travels on leads`);
    }
    assert.equal(c.state, States.CONNECTED);
  });

  test('connects with a single-use ticket from POST /api/ws-tickets, asked for again after a drop', async () => {
    const ticketUrl = live.config.notifyUrl + '/api/ws-tickets';
    const urls = [];
    class RecordingWebSocket extends WebSocket {
      constructor(url, ...rest) {
        super(url, ...rest);
        urls.push(url);
      }
    }
    const token = await tokensOf(provider)();
    const c = client({ token, auth: 'ticket', ticketUrl, WebSocket: RecordingWebSocket });
    const frame = await c.connect();
    assert.equal(String(frame.user_id), String(provider.id));
    assert.equal(frame.token_expires_at, await c0ExpiresAt(token), 'the socket ends with the token');
    c.simulateDrop();
    await eventually(() => c.state === States.CONNECTED && urls.length === 2, 'the reconnect');
    const tickets = urls.map((url) => new URL(url).searchParams.get('ticket'));
    assert.ok(tickets.every(Boolean) && tickets[0] !== tickets[1], 'a new ticket per connection');
    assert.ok(urls.every((url) => !url.includes(token)), 'the token never in a URL');
  });

  test('a ticket opens one socket only; a token in the query opens none', async () => {
    const response = await fetch(live.config.notifyUrl + '/api/ws-tickets',
      { method: 'POST', headers: { Authorization: 'Bearer ' + provider.token } });
    assert.equal(response.status, 201);
    const { ticket, expires_in: expiresIn } = await response.json();
    assert.ok(expiresIn > 0 && expiresIn <= 30, `valid for seconds (${expiresIn})`);
    const upgrade = (query) => new Promise((resolve) => {
      const ws = new WebSocket(`${live.ws}?${query}`);
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('unexpected-response', (req, res) => {
        res.resume();
        resolve(res.statusCode);
        ws.terminate();
      });
      ws.on('error', () => {});
    });
    assert.equal(await upgrade('ticket=' + encodeURIComponent(ticket)), 101);
    assert.equal(await upgrade('ticket=' + encodeURIComponent(ticket)), 401, 'used already');
    assert.equal(await upgrade('ticket=not-a-ticket'), 401);
    assert.equal(await upgrade('token=' + encodeURIComponent(provider.token)), 401, 'tokens do not go in URLs');
  });

  test('a forbidden channel is refused with an error, the connection stays up', async () => {
    const c = client({ token: await tokensOf(provider)() });
    await c.connect();
    const sub = c.subscribe('payments.monitor', () => {});
    await assert.rejects(sub.ready(), (e) => e.code === 'forbidden');
    const pong = await c.ping();
    assert.equal(pong.type, 'pong');
  });

  test('after a dropped connection, events published meanwhile arrive once, in order', async () => {
    const window = new FakeWindow();
    const c = client({ getToken: tokensOf(provider), onlineEvents: window });
    const created = collector(c, 'leads', 'lead_created');
    await c.connect();
    await eventually(() => c.channels().includes('leads'), 'the leads subscription');
    const before = await live.api.publishLead();
    await eventually(() => created.some((e) => String(e.data.id) === String(before.id)), 'the first lead');

    // a second, live observer tells when the leads published during the outage are in the stream
    const observer = client({ getToken: tokensOf(provider) });
    const seenByObserver = collector(observer, 'leads', 'lead_created');
    await observer.connect();
    await eventually(() => observer.channels().includes('leads'), 'the observer subscription');

    window.dispatch('offline'); // drops the socket and keeps it down
    assert.equal(c.state, States.DISCONNECTED);
    const during = [await live.api.publishLead(), await live.api.publishLead(), await live.api.publishLead()];
    await eventually(() => during.every((l) => seenByObserver.some((e) => String(e.data.id) === String(l.id))),
      'the observer to see the leads published during the outage');
    assert.ok(during.every((l) => !created.some((e) => String(e.data.id) === String(l.id))), 'nothing while offline');

    window.dispatch('online');
    await eventually(() => during.every((l) => created.some((e) => String(e.data.id) === String(l.id))),
      'the missed leads after reconnecting', Waits.RECONNECT_MS);
    // a lead published after the recovery comes after the replay in the stream: once it has arrived,
    // everything the replay brought is in `created`, and anything older coming later is dropped by seq
    const after = await live.api.publishLead();
    await eventually(() => created.some((e) => String(e.data.id) === String(after.id)), 'live events after recovery');
    const ids = created.map((e) => String(e.data.id));
    assert.equal(new Set(ids).size, ids.length, 'each event once');
    const seqs = created.map((e) => e.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in stream order');
  });

  test('a connection destroyed without a close handshake is replaced and events keep coming', async () => {
    const sockets = [];
    class TrackedWebSocket extends WebSocket {
      constructor(...args) {
        super(...args);
        sockets.push(this);
      }
    }
    const c = client({ getToken: tokensOf(provider), WebSocket: TrackedWebSocket });
    const created = collector(c, 'leads', 'lead_created');
    await c.connect();
    await eventually(() => c.channels().includes('leads'), 'the leads subscription');
    const reconnected = new Promise((resolve) => c.on('reconnecting', resolve));
    sockets.at(-1).terminate(); // the TCP connection is destroyed, as a lost network would
    await reconnected;
    const lead = await live.api.publishLead();
    await eventually(() => c.state === States.CONNECTED && created.some((e) => String(e.data.id) === String(lead.id)),
      'the lead after the reconnect', Waits.RECONNECT_MS);
    assert.ok(sockets.length >= 2);
  });

  test('events of the user channel missed while offline arrive after reconnecting, once (balance_updated)',
    live.config?.paymentsUrl ? {} : { skip: 'set LEADLINE_PAYMENTS_URL: balance updates come from payments-service' }, async () => {
      const window = new FakeWindow();
      const user = await live.api.register('provider', 'sdk_bal');
      const c = client({ getToken: tokensOf(user), onlineEvents: window });
      const balances = [];
      c.onEvent('balance_updated', (e) => balances.push(e));
      await c.connect();
      await eventually(() => c.channels().includes(`user.${user.id}`), 'the position of the user channel');
      await live.api.grant(user.id, 10, 'sdk test 1');
      await eventually(() => balances.length === 1, 'the first balance_updated');
      assert.equal(balances[0].channel, `user.${user.id}`);
      assert.equal(balances[0].data.new_balance, 10);

      // a second connection of the same user, staying online, tells when the updates made during the
      // outage have been delivered: then the offline client would have had them by now too
      const observer = client({ getToken: tokensOf(user) });
      const seenByObserver = [];
      observer.onEvent('balance_updated', (e) => seenByObserver.push(e.data.new_balance));
      await observer.connect();
      await eventually(() => observer.channels().includes(`user.${user.id}`), 'the observer on the user channel');

      window.dispatch('offline');
      await live.api.grant(user.id, 20, 'sdk test 2');
      await live.api.grant(user.id, 30, 'sdk test 3');
      await eventually(() => seenByObserver.includes(30) && seenByObserver.includes(60),
        'the observer to see the updates made during the outage');
      assert.equal(balances.length, 1, 'nothing while offline');
      window.dispatch('online');
      await eventually(() => balances.length >= 3, 'the balance updates made while offline', Waits.RECONNECT_MS);
      await live.api.grant(user.id, 40, 'sdk test 4');
      // this grant's update comes after the replay in the stream: once it has arrived, so has everything before it
      await eventually(() => balances.some((e) => e.data.new_balance === 100), 'a live balance update after recovery');
      assert.deepEqual(balances.map((e) => e.data.new_balance), [10, 30, 60, 100], 'each once, in order');
    });

  test('duplicates replayed by the server across reconnects are dropped by seq', async () => {
    // A socket class that, after the first connection, asks the server to replay from further back
    // than the SDK has seen: the server then resends events the application already has.
    let connections = 0;
    let rewind = null;
    class RewindingWebSocket extends WebSocket {
      constructor(...args) {
        super(...args);
        connections += 1;
        this.connection = connections;
      }

      send(text) {
        const frame = JSON.parse(text);
        if (this.connection > 1 && frame.type === 'subscribe' && frame.channel === 'leads' && rewind !== null) {
          frame.since = rewind;
          text = JSON.stringify(frame);
        }
        super.send(text);
      }
    }
    const c = client({ getToken: tokensOf(provider), WebSocket: RewindingWebSocket });
    const created = collector(c, 'leads', 'lead_created');
    await c.connect();
    await eventually(() => c.channels().includes('leads'), 'the leads subscription');
    const leads = [await live.api.publishLead(), await live.api.publishLead()];
    await eventually(() => leads.every((l) => created.some((e) => String(e.data.id) === String(l.id))), 'two leads');
    const firstSeq = created.find((e) => String(e.data.id) === String(leads[0].id)).seq;
    rewind = firstSeq - 1;

    const before = c.stats.duplicatesDropped;
    c.simulateDrop();
    await eventually(() => c.state === States.CONNECTED && c.channels().includes('leads'), 'the resubscription',
      Waits.RECONNECT_MS);
    const next = await live.api.publishLead();
    await eventually(() => created.some((e) => String(e.data.id) === String(next.id)), 'the next lead');
    assert.ok(c.stats.duplicatesDropped - before >= 2, `the replayed events were dropped (${c.stats.duplicatesDropped - before})`);
    const ids = created.map((e) => String(e.data.id));
    assert.equal(new Set(ids).size, ids.length, 'the application saw each event once');
  });

  test('refreshes the token in band before it expires, without reconnecting', async () => {
    let calls = 0;
    const getToken = async () => {
      calls += 1;
      return live.api.token(provider.username, provider.password);
    };
    // A clock running (lifetime - 6 s) ahead: the client believes a token just issued expires in 6 s and
    // refreshes half-way, while the server still accepts the token. The lifetime is measured on a fresh
    // token, as the ones getToken hands out: the suite's own token has been ageing since it began.
    const lifetimeMs = (await c0ExpiresAt(await live.api.token(provider.username, provider.password))) * 1000 - Date.now();
    const skew = Math.max(0, lifetimeMs - 6_000);
    const clock = { now: () => Date.now() + skew };
    const c = client({ getToken, clock });
    const refreshed = [];
    c.on('token_refreshed', (r) => refreshed.push(r));
    const connected = await c.connect();
    await eventually(() => refreshed.length >= 1, 'the refreshed frame');
    assert.ok(calls >= 2, 'the provider was asked again');
    assert.ok(refreshed[0].tokenExpiresAt >= connected.token_expires_at);
    assert.equal(c.connectionId, connected.connection_id, 'same connection');
    assert.equal(c.state, States.CONNECTED);
  });

  test('after a 4001 close the client gets a new token and resumes (needs short-lived tokens)', async (t) => {
    // the lifetime of a token as getToken will hand it out (the suite's own token has been ageing)
    const lifetime = (await c0ExpiresAt(await live.api.token(provider.username, provider.password))) - Date.now() / 1000;
    if (lifetime > 90) {
      t.skip(`tokens live ${Math.round(lifetime)} s; start leads-service with LEADLINE_TOKEN_LIFETIME_SECONDS=20 to run this`);
      return;
    }
    let calls = 0;
    const getToken = async () => {
      calls += 1;
      return live.api.token(provider.username, provider.password);
    };
    // a clock running a day behind: the client never refreshes in band, so the server closes with 4001
    const c = client({ getToken, clock: { now: () => Date.now() - 86_400_000 } });
    const codes = [];
    c.on('disconnected', (d) => codes.push(d.code));
    const created = collector(c, 'leads', 'lead_created');
    await c.connect();
    await eventually(() => codes.includes(4001), 'the 4001 close', lifetime * 1000 + Waits.RECONNECT_MS);
    await eventually(() => c.state === States.CONNECTED && c.channels().includes('leads'), 'the reconnect',
      Waits.RECONNECT_MS);
    assert.ok(calls >= 2);
    const lead = await live.api.publishLead();
    await eventually(() => created.some((e) => String(e.data.id) === String(lead.id)), 'events after the new token');
  });
});

async function c0ExpiresAt(token) {
  const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  return payload.exp;
}
