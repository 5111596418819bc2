// Token refresh: before token_expires_at in band, and after a 4001 close by reconnecting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeadlineClient, refreshDelay, jwtExpiry, bearerSubprotocols } from '../../src/leadline.js';
import { FakeClock, fakeWebSocketClass, flush } from '../../testing/fakes.js';

test('refreshDelay: a minute ahead for long tokens, half-way for short ones, null when unknown', () => {
  const now = 1_000_000_000;
  assert.equal(refreshDelay(now / 1000 + 3600, now), 3_540_000);
  assert.equal(refreshDelay(now / 1000 + 20, now), 10_000);
  assert.equal(refreshDelay(now / 1000 + 1, now), 1_000, 'never sooner than the minimum');
  assert.equal(refreshDelay(now / 1000 - 50, now), 1_000, 'already expired: as soon as allowed');
  assert.equal(refreshDelay(0, now), null);
  assert.equal(refreshDelay(undefined, now), null);
  assert.equal(refreshDelay(now / 1000 + 600, now, 120_000), 480_000);
});

test('jwtExpiry reads exp without verifying; bearerSubprotocols carries the token', () => {
  const payload = Buffer.from(JSON.stringify({ sub: '7', exp: 1234567890 })).toString('base64url');
  assert.equal(jwtExpiry(`x.${payload}.y`), 1234567890);
  assert.equal(jwtExpiry('not a jwt'), null);
  assert.deepEqual(bearerSubprotocols('a.b.c'),
    ['bearer-token-carrier', 'quarkus-http-upgrade%23Authorization%23Bearer%20a.b.c']);
});

function setup(getToken, extra = {}) {
  const clock = new FakeClock();
  const WS = fakeWebSocketClass();
  const c = new LeadlineClient({
    url: 'ws://test/ws', getToken, WebSocket: WS, clock, random: () => 0, onlineEvents: false,
    pingIntervalMs: 1_000_000, deadAfterMs: 1e12, ...extra,
  });
  return { c, clock, WS };
}

test('asks the provider again before token_expires_at and hands the token over in band', async () => {
  let n = 0;
  const { c, clock, WS } = setup(async () => 'token-' + ++n);
  c.connect();
  await flush();
  assert.equal(WS.last().protocols[1], encodeURIComponent('quarkus-http-upgrade#Authorization#Bearer token-1'));
  const expiresAt = Math.floor(clock.now() / 1000) + 3600;
  WS.last().accept({ tokenExpiresAt: expiresAt });
  const refreshed = [];
  c.on('token_refreshed', (r) => refreshed.push(r.tokenExpiresAt));

  clock.advance(3_539_000);
  await flush();
  assert.equal(n, 1, 'not yet');
  clock.advance(1_000);
  await flush();
  assert.equal(n, 2, 'one minute before expiry');
  const frame = WS.last().framesOfType('refresh')[0];
  assert.equal(frame.token, 'token-2');
  WS.last().serverSend({ type: 'refreshed', token_expires_at: expiresAt + 3600, id: frame.id });
  assert.deepEqual(refreshed, [expiresAt + 3600]);
  assert.equal(c.tokenExpiresAt, expiresAt + 3600);
  clock.advance(3_600_000);
  await flush();
  assert.equal(n, 3, 'scheduled again from the new expiry');
  assert.equal(WS.sockets.length, 1, 'no reconnect needed');
  c.close();
});

test('a 4001 close gets a new token from the provider and reconnects at once', async () => {
  let n = 0;
  const { c, clock, WS } = setup(async () => 'token-' + ++n);
  c.connect();
  await flush();
  WS.last().accept({ tokenExpiresAt: Math.floor(clock.now() / 1000) + 3600 });
  WS.last().serverSend({ type: 'error', code: 'token_expired', message: 'the token expired; refresh it', ref: null });
  WS.last().serverClose(4001, 'token expired');
  assert.deepEqual(clock.pendingDelays(), [0]);
  clock.advance(0);
  await flush();
  assert.equal(n, 2);
  assert.equal(WS.sockets.length, 2);
  assert.match(WS.last().protocols[1], /token-2$/);
  c.close();
});

test('a refused refresh (token_invalid) reconnects with a fresh token', async () => {
  let n = 0;
  const { c, clock, WS } = setup(async () => 'token-' + ++n);
  c.connect();
  await flush();
  WS.last().accept({ tokenExpiresAt: Math.floor(clock.now() / 1000) + 20 });
  clock.advance(10_000);
  await flush();
  const frame = WS.last().framesOfType('refresh')[0];
  assert.ok(frame, 'refresh sent half-way through a short lifetime');
  WS.last().serverSend({ type: 'error', code: 'token_invalid', message: 'the token is invalid or expired', ref: frame.id });
  clock.advance(0);
  await flush();
  assert.equal(WS.sockets.length, 2);
  assert.equal(n, 3);
  c.close();
});

test('a static token: 4001 ends the client with a token_expired error', async () => {
  const clock = new FakeClock();
  const WS = fakeWebSocketClass();
  const c = new LeadlineClient({ url: 'ws://x/ws', token: 't', WebSocket: WS, clock, onlineEvents: false });
  const errors = [];
  c.on('error', (e) => errors.push(e.code));
  const connected = c.connect();
  await flush();
  WS.last().serverOpen();
  WS.last().serverClose(4001);
  await assert.rejects(connected, (e) => e.code === 'token_expired');
  assert.deepEqual(errors, ['token_expired']);
  assert.equal(c.state, 'disconnected');
  assert.deepEqual(clock.pendingDelays(), []);
});

test('a failed upgrade asks the provider for a fresh token on the next attempt', async () => {
  let n = 0;
  const { c, clock, WS } = setup(async () => 'token-' + ++n);
  c.connect();
  await flush();
  WS.last().serverClose(1006); // e.g. HTTP 401: the socket never opened
  clock.advance(clock.pendingDelays()[0]);
  await flush();
  assert.equal(n, 2);
  WS.last().accept();
  WS.last().serverClose(1006); // after it opened: the token is still good
  clock.advance(clock.pendingDelays()[0]);
  await flush();
  assert.equal(n, 2);
  c.close();
});

test('header authentication; query authentication is refused', async () => {
  const WS = fakeWebSocketClass();
  assert.throws(() => new LeadlineClient({ url: 'ws://x/ws', token: 'abc', WebSocket: WS, auth: 'query', onlineEvents: false }),
    /ticket/, 'a token in the URL is no longer an option');
  const h = new LeadlineClient({ url: 'ws://x/ws', token: 'abc', WebSocket: WS, auth: 'header', onlineEvents: false });
  h.connect();
  await flush();
  assert.deepEqual(WS.last().options, { headers: { Authorization: 'Bearer abc' } });
  assert.equal(WS.last().url, 'ws://x/ws?batch=1');
  h.close();
});

test('ticket authentication asks getTicket before every connect and reconnect; no token in the URL', async () => {
  let n = 0;
  const { c, clock, WS } = setup(undefined, { auth: 'ticket', getTicket: async () => ({ ticket: 'tk/' + ++n }) });
  c.connect();
  await flush();
  assert.equal(WS.last().url, 'ws://test/ws?batch=1&ticket=tk%2F1');
  assert.equal(WS.last().protocols, undefined, 'no subprotocol carrier');
  WS.last().accept({ tokenExpiresAt: Math.floor(clock.now() / 1000) + 3600 });
  WS.last().serverClose(1006); // dropped
  clock.advance(clock.pendingDelays()[0]);
  await flush();
  assert.equal(WS.last().url, 'ws://test/ws?batch=1&ticket=tk%2F2', 'a used ticket is never sent again');
  WS.last().serverClose(1006); // refused upgrade (401: unknown or expired ticket)
  clock.advance(clock.pendingDelays()[0]);
  await flush();
  assert.equal(n, 3);
  WS.last().accept({ tokenExpiresAt: Math.floor(clock.now() / 1000) + 3600 });
  WS.last().serverClose(4001, 'token expired'); // no getToken: no refresh in band, a new ticket instead
  clock.advance(0);
  await flush();
  assert.equal(n, 4);
  assert.equal(WS.last().url, 'ws://test/ws?batch=1&ticket=tk%2F4');
  c.close();
});

test('ticket authentication with ticketUrl: POSTs with the token as bearer, refreshes the token in band', async () => {
  let tokens = 0;
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    return { ok: true, status: 201, json: async () => ({ ticket: 'tk-' + calls.length, expires_in: 30 }) };
  };
  const { c, clock, WS } = setup(async () => 'token-' + ++tokens, { auth: 'ticket', ticketUrl: 'http://test/api/ws-tickets', fetch });
  c.connect();
  await flush(10);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].url, 'http://test/api/ws-tickets');
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.headers.Authorization, 'Bearer token-1');
  assert.equal(WS.last().url, 'ws://test/ws?batch=1&ticket=tk-1');
  assert.ok(!WS.last().url.includes('token'));
  const expiresAt = Math.floor(clock.now() / 1000) + 3600;
  WS.last().accept({ tokenExpiresAt: expiresAt });
  clock.advance(3_540_000);
  await flush();
  const refresh = WS.last().framesOfType('refresh')[0];
  assert.equal(refresh.token, 'token-2', 'the socket opened with a ticket is kept alive with the token, in band');
  WS.last().serverSend({ type: 'refreshed', token_expires_at: expiresAt + 3600, id: refresh.id });
  assert.equal(WS.sockets.length, 1);
  c.close();
});

test('ticketUrl answering 401 makes the next attempt ask for a fresh token', async () => {
  let tokens = 0;
  let answers = [401, 201];
  const fetch = async () => {
    const status = answers.shift();
    return { ok: status < 300, status, json: async () => ({ ticket: 'tk' }) };
  };
  const errors = [];
  const { c, clock, WS } = setup(async () => 'token-' + ++tokens, { auth: 'ticket', ticketUrl: 'http://t/api/ws-tickets', fetch });
  c.on('error', (e) => errors.push(e.code));
  c.connect();
  await flush(10);
  assert.deepEqual(errors, ['ticket_failed']);
  assert.equal(WS.sockets.length, 0);
  clock.advance(clock.pendingDelays()[0]);
  await flush(10);
  assert.equal(tokens, 2);
  assert.equal(WS.last().url, 'ws://test/ws?batch=1&ticket=tk');
  c.close();
});

test('ticket authentication needs a ticket source', () => {
  assert.throws(() => new LeadlineClient({ url: 'ws://x/ws', token: 't', auth: 'ticket', WebSocket: fakeWebSocketClass() }),
    /getTicket or ticketUrl/);
});
