// Since tracking and duplicate dropping: the application sees each event once, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeadlineClient, SeqTracker } from '../../src/leadline.js';
import { FakeClock, fakeWebSocketClass, flush } from '../../testing/fakes.js';

const event = (channel, seq, type = 'lead_created', data = {}) =>
  ({ type, channel, seq, id: 'e' + seq, ts: 1, data });

test('SeqTracker drops a seq at or below the last one, per channel', () => {
  const t = new SeqTracker();
  assert.equal(t.accept('leads', 5), true);
  assert.equal(t.accept('leads', 5), false);
  assert.equal(t.accept('leads', 3), false);
  assert.equal(t.accept('leads', 9), true);
  assert.equal(t.accept('escrow.1', 4), true, 'channels are independent');
  assert.equal(t.last('leads'), 9);
  assert.equal(t.resumePoint('leads'), 9);
});

test('SeqTracker drops an event published again under a new seq, and still moves past it', () => {
  const t = new SeqTracker(3);
  assert.equal(t.accept('leads', 5, 'A'), true);
  assert.equal(t.accept('leads', 6, 'B'), true);
  assert.equal(t.accept('leads', 9, 'A'), false, 'the same event id: published twice');
  assert.equal(t.resumePoint('leads'), 9, 'a resubscription starts after the copy');
  assert.equal(t.accept('escrow.1', 2, 'B'), false, 'an event id is the event, whatever the channel');
  assert.equal(t.accept('leads', 10), true, 'an event without an id is compared by seq only');
  assert.equal(t.accept('leads', 11, 'C'), true);
  assert.equal(t.accept('leads', 12, 'D'), true);
  assert.equal(t.accept('leads', 13, 'A'), true, 'only the newest ids are remembered (3 here)');
  assert.equal(t.accept('leads', 14, 'D'), false);
});

test('SeqTracker resumes from the subscription watermark when no event arrived', () => {
  const t = new SeqTracker();
  assert.equal(t.resumePoint('leads'), undefined);
  t.noteWatermark('leads', 40);
  assert.equal(t.resumePoint('leads'), 40);
  assert.equal(t.accept('leads', 41), true);
  assert.equal(t.resumePoint('leads'), 41);
  t.noteWatermark('leads', 30);
  assert.equal(t.resumePoint('leads'), 41, 'never moves back');
  t.forget('leads');
  assert.equal(t.resumePoint('leads'), undefined);
});

function setup() {
  const clock = new FakeClock();
  const WS = fakeWebSocketClass();
  const c = new LeadlineClient({
    url: 'ws://test/ws', token: 'tok', WebSocket: WS, clock, random: () => 0, onlineEvents: false,
  });
  return { c, clock, WS };
}

async function reconnect(WS, clock) {
  WS.last().serverClose(1006);
  clock.advance(Math.max(0, ...clock.pendingDelays().filter((d) => d <= 30_000)));
  await flush();
}

test('resubscribes every channel with since = the last seq seen, after a drop', async () => {
  const { c, clock, WS } = setup();
  const seen = [];
  c.subscribe('leads', (e) => seen.push(e.seq));
  c.subscribe('escrow.9', () => {});
  c.connect();
  await flush();
  const first = WS.last();
  first.accept();
  const subs = first.framesOfType('subscribe').filter((f) => f.channel !== 'user.7');
  assert.deepEqual(subs.map((f) => [f.channel, f.since]), [['leads', undefined], ['escrow.9', undefined]]);
  first.answerSubscribes({ seq: 100 });
  first.serverSend(event('leads', 101));
  first.serverSend(event('leads', 104));

  await reconnect(WS, clock);
  const second = WS.last();
  assert.notEqual(second, first);
  second.accept();
  const again = Object.fromEntries(second.framesOfType('subscribe').map((f) => [f.channel, f.since]));
  assert.equal(again.leads, 104, 'the last event seen');
  assert.equal(again['escrow.9'], 100, 'no event seen: the position the server reported');
  c.close();
});

test('a resubscription refused for now (busy: another replay runs; rate_limited) is sent again with its since', async () => {
  const { c, clock, WS } = setup();
  const errors = [];
  c.on('error', (e) => errors.push(e.code));
  c.subscribe('leads', () => {});
  c.subscribe('escrow.9', () => {});
  c.connect();
  await flush();
  WS.last().accept();
  WS.last().answerSubscribes({ seq: 100 });
  WS.last().serverSend(event('leads', 101));

  await reconnect(WS, clock);
  const socket = WS.last();
  socket.accept();
  const first = Object.fromEntries(socket.framesOfType('subscribe').map((f) => [f.channel, f]));
  socket.serverSend({ type: 'subscribed', channel: 'user.7', seq: 120, recovered: true, id: first['user.7'].id });
  socket.serverSend({ type: 'error', code: 'busy', message: 'another replay', ref: first.leads.id });
  socket.serverSend({ type: 'error', code: 'rate_limited', message: 'slow down', ref: first['escrow.9'].id });
  assert.deepEqual(errors, ['busy', 'rate_limited']);
  assert.equal(socket.framesOfType('subscribe').length, 3, 'not at once');
  clock.advance(Math.max(...clock.pendingDelays().filter((d) => d <= 5_000)));
  const again = socket.framesOfType('subscribe').slice(3);
  assert.deepEqual(again.map((f) => [f.channel, f.since]).sort(), [['escrow.9', 100], ['leads', 101]]);
  socket.answerSubscribes({ seq: 120 });
  assert.deepEqual(c.channels().sort(), ['escrow.9', 'leads', 'user.7']);
  c.close();
});

test('events replayed after a reconnect reach the application once', async () => {
  const { c, clock, WS } = setup();
  const seen = [];
  c.subscribe('leads', (e) => seen.push(e.seq));
  c.connect();
  await flush();
  WS.last().accept();
  WS.last().answerSubscribes({ seq: 10 });
  for (const seq of [11, 12, 13]) WS.last().serverSend(event('leads', seq));

  await reconnect(WS, clock);
  WS.last().accept();
  WS.last().answerSubscribes({ seq: 20 });
  // an overlapping replay (the server may resend what it had already written), then new events
  for (const seq of [12, 13, 14, 15, 15, 16]) WS.last().serverSend(event('leads', seq));
  assert.deepEqual(seen, [11, 12, 13, 14, 15, 16]);
  assert.equal(c.stats.duplicatesDropped, 3);
  c.close();
});

test('an event a service published twice (a new seq, the same id) reaches the application once', async () => {
  const { c, clock, WS } = setup();
  const seen = [];
  c.subscribe('leads', (e) => seen.push(e.id + '@' + e.seq));
  c.connect();
  await flush();
  WS.last().accept();
  WS.last().answerSubscribes({ seq: 10 });
  WS.last().serverSend({ ...event('leads', 11), id: '01JLEAD' });
  WS.last().serverSend({ ...event('leads', 12), id: '01JOTHER' });
  // the relay died before recording its publish and published again after the stream's duplicate window
  WS.last().serverSend({ ...event('leads', 13), id: '01JLEAD' });

  await reconnect(WS, clock);
  WS.last().accept();
  const resumed = WS.last().framesOfType('subscribe').find((f) => f.channel === 'leads');
  assert.equal(resumed.since, 13, 'resumes after the copy');
  WS.last().answerSubscribes({ seq: 20 });
  WS.last().serverSend({ ...event('leads', 14), id: '01JLEAD' });
  WS.last().serverSend({ ...event('leads', 15), id: '01JNEW' });
  assert.deepEqual(seen, ['01JLEAD@11', '01JOTHER@12', '01JNEW@15']);
  assert.equal(c.stats.duplicatesDropped, 2);
  c.close();
});

test('the user channel is re-joined with since, and live events before the replay are held back', async () => {
  const { c, clock, WS } = setup();
  const seen = [];
  c.onEvent('*', (e) => seen.push(e.seq));
  c.connect();
  await flush();
  const first = WS.last();
  first.accept({ userId: '7' });
  // on first connect the client only asks where the stream stands
  const probe = first.framesOfType('subscribe');
  assert.deepEqual(probe.map((f) => [f.channel, f.since]), [['user.7', undefined]]);
  first.answerSubscribes({ seq: 50 });
  first.serverSend(event('user.7', 51, 'balance_updated'));

  await reconnect(WS, clock);
  const second = WS.last();
  second.accept({ userId: '7' });
  assert.deepEqual(second.sent.map((f) => [f.type, f.channel, f.since]),
    [['unsubscribe', 'user.7', undefined], ['subscribe', 'user.7', 51]]);
  second.serverSend(event('user.7', 53, 'balance_updated')); // live, before the unsubscribe took effect
  assert.deepEqual(seen, [51], 'held back: the replay brings it in order');
  second.serverSend({ type: 'unsubscribed', channel: 'user.7', id: second.sent[0].id });
  second.answerSubscribes({ seq: 60, recovered: true });
  for (const seq of [52, 53, 54]) second.serverSend(event('user.7', seq, 'balance_updated'));
  assert.deepEqual(seen, [51, 52, 53, 54]);
  c.close();
});

test('recovered=false: the application is told to re-read state, and goes on from the new position', async () => {
  const { c, clock, WS } = setup();
  const resyncs = [];
  c.on('resync', (r) => resyncs.push(r));
  c.subscribe('leads', () => {});
  c.connect();
  await flush();
  WS.last().accept();
  WS.last().answerSubscribes({ seq: 10 });
  WS.last().serverSend(event('leads', 11));
  await reconnect(WS, clock);
  WS.last().accept();
  WS.last().answerSubscribes({ seq: 900, recovered: false });
  assert.deepEqual(resyncs.filter((r) => r.channel === 'leads'), [{ channel: 'leads', since: 11, seq: 900 }]);
  await reconnect(WS, clock);
  WS.last().accept();
  const since = WS.last().framesOfType('subscribe').find((f) => f.channel === 'leads').since;
  assert.equal(since, 900);
  c.close();
});

test('handlers per channel, per event type, and catch-alls', async () => {
  const { c, WS } = setup();
  const calls = [];
  c.subscribe('leads', {
    lead_created: (e) => calls.push('created ' + e.seq),
    '*': (e) => calls.push('any ' + e.type),
  });
  const claimedOnly = c.subscribe('leads', (e) => calls.push('only ' + e.type), { types: ['lead_claimed'] });
  c.onEvent('lead_claimed', (e) => calls.push('global claimed ' + e.seq));
  c.onEvent('*', (e) => calls.push('global ' + e.channel));
  c.connect();
  await flush();
  WS.last().accept();
  WS.last().answerSubscribes();
  WS.last().serverSend(event('leads', 101, 'lead_created'));
  WS.last().serverSend(event('leads', 102, 'lead_claimed'));
  assert.deepEqual(calls, [
    'created 101', 'any lead_created', 'global leads',
    'any lead_claimed', 'only lead_claimed', 'global claimed 102', 'global leads',
  ]);
  claimedOnly.unsubscribe();
  assert.equal(WS.last().framesOfType('unsubscribe').length, 0, 'another handle still listens');
  c.unsubscribe('leads');
  assert.deepEqual(WS.last().framesOfType('unsubscribe').map((f) => f.channel), ['leads']);
  c.close();
});

test('a refused subscription rejects ready() with the error code and is not retried', async () => {
  const { c, clock, WS } = setup();
  const errors = [];
  c.on('error', (e) => errors.push(e.code));
  const sub = c.subscribe('payments.monitor', () => {}, { filter: { kinds: ['metrics'] } });
  const ready = sub.ready();
  c.connect();
  await flush();
  WS.last().accept();
  const frame = WS.last().framesOfType('subscribe').find((f) => f.channel === 'payments.monitor');
  assert.deepEqual(frame.filter, { kinds: ['metrics'] });
  WS.last().serverSend({ type: 'error', code: 'forbidden', message: 'not allowed: payments.monitor', ref: frame.id });
  await assert.rejects(ready, (e) => e.code === 'forbidden' && e.channel === 'payments.monitor');
  assert.deepEqual(errors, ['forbidden']);
  assert.equal(sub.active, false);
  await reconnect(WS, clock);
  WS.last().accept();
  assert.equal(WS.last().framesOfType('subscribe').filter((f) => f.channel === 'payments.monitor').length, 0);
  c.close();
});

test('subscribing while connected sends the frame at once; ready() resolves with the answer', async () => {
  const { c, WS } = setup();
  c.connect();
  await flush();
  WS.last().accept();
  const sub = c.subscribe('escrow.5', () => {});
  WS.last().answerSubscribes({ seq: 77 });
  const frame = await sub.ready();
  assert.equal(frame.seq, 77);
  assert.deepEqual(c.channels().sort(), ['escrow.5', 'user.7']);
  c.close();
});

test('a batch frame (one event per line) is read as its events, in order, duplicates dropped', async () => {
  const { c, WS } = setup();
  const seen = [];
  const errors = [];
  c.on('error', (e) => errors.push(e.code));
  c.subscribe('leads', (e) => seen.push(e.seq));
  c.connect();
  await flush();
  const socket = WS.last();
  assert.match(socket.url, /[?&]batch=1(&|$)/, 'the SDK always asks for batches');
  socket.accept();
  socket.answerSubscribes({ seq: 100 });
  const lines = [event('leads', 101), event('leads', 102), event('leads', 102), event('leads', 103)]
    .map((e) => JSON.stringify(e)).join('\n');
  socket.serverSendText(lines);
  socket.serverSendText(JSON.stringify(event('leads', 104)));
  assert.deepEqual(seen, [101, 102, 103, 104]);
  socket.serverSendText(JSON.stringify(event('leads', 105)) + '\n{not json');
  assert.deepEqual(seen, [101, 102, 103, 104, 105], 'the good line of a damaged batch still counts');
  assert.deepEqual(errors, ['bad_frame']);
  c.close();
});

test('a client closed and connected again (an app back from the background) resubscribes its channels with since', async () => {
  const WebSocket = fakeWebSocketClass();
  const client = new LeadlineClient({ url: 'ws://x/ws', token: 't', WebSocket, onlineEvents: false });
  const seen = [];
  client.subscribe('leads', (e) => seen.push(e.seq));
  client.connect();
  await flush();
  WebSocket.last().accept();
  WebSocket.last().answerSubscribes();
  WebSocket.last().serverSend(event('leads', 150));
  client.close();

  client.connect();
  await flush();
  const socket = WebSocket.last();
  assert.equal(WebSocket.sockets.length, 2);
  socket.accept();
  const leads = socket.framesOfType('subscribe').find((f) => f.channel === 'leads');
  assert.equal(leads?.since, 150, 'leads again, from where it stopped');
  socket.answerSubscribes();
  socket.serverSend(event('leads', 150));
  socket.serverSend(event('leads', 151));
  assert.deepEqual(seen, [150, 151]);
  client.close();
});
