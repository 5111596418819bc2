// The React bindings with real React in a happy-dom document, over a scripted WebSocket: what the provider
// makes and closes, when useChannel subscribes and unsubscribes, and what useLeadline reports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fakeWebSocketClass } from '../../testing/fakes.js';
import { reactDom } from '../../testing/react-dom.js';
import { LeadlineClient } from '../../src/leadline.js';
import { LeadlineProvider, useChannel, useLeadline } from '../../src/react.js';

let dom;
let h;

before(async () => {
  dom = await reactDom();
  h = dom.createElement;
});

after(() => dom.close());

/** What useLeadline() returned on the last render. */
function Probe({ seen }) {
  seen.current = useLeadline();
  return null;
}

function clientOptions(WebSocket) {
  return { url: 'ws://gateway.test/ws', token: 'token', WebSocket, onlineEvents: false };
}

test('a provider given options makes a client, reports its state and closes it on unmount', async () => {
  const WebSocket = fakeWebSocketClass();
  const seen = {};
  const view = await dom.render(h(LeadlineProvider, { options: clientOptions(WebSocket), inbox: false }, h(Probe, { seen })));
  assert.ok(seen.current.client instanceof LeadlineClient);
  assert.equal(seen.current.isConnected, false);
  assert.equal(WebSocket.sockets.length, 1, 'connected once');

  await dom.act(async () => WebSocket.last().accept());
  assert.equal(seen.current.state, 'connected');
  assert.equal(seen.current.isConnected, true);

  await dom.act(async () => WebSocket.last().serverClose(1006));
  assert.equal(seen.current.state, 'reconnecting');
  assert.equal(seen.current.isConnected, false);

  const client = seen.current.client;
  await view.unmount();
  assert.equal(client.state, 'disconnected', 'closed with the provider');
});

test('a provider given a client connects it and leaves it open on unmount', async () => {
  const WebSocket = fakeWebSocketClass();
  const client = new LeadlineClient(clientOptions(WebSocket));
  const seen = {};
  const view = await dom.render(h(LeadlineProvider, { client, inbox: false }, h(Probe, { seen })));
  assert.equal(seen.current.client, client);
  await dom.act(async () => WebSocket.last().accept());
  assert.equal(seen.current.isConnected, true);
  await view.unmount();
  assert.equal(client.state, 'connected', 'the application closes what it made');
  client.close();
});

test('useChannel subscribes on mount, keeps its subscription across new handlers, follows the channel and leaves on unmount', async () => {
  const WebSocket = fakeWebSocketClass();
  const client = new LeadlineClient(clientOptions(WebSocket));
  const received = [];
  let statuses = [];
  function Feed({ channel, label }) {
    // a new handler function on every render, as inline handlers are
    statuses.push(useChannel(channel, (e) => received.push(`${label}:${e.channel}:${e.seq}`)));
    return null;
  }
  const tree = (channel, label) => h(LeadlineProvider, { client, inbox: false }, h(Feed, { channel, label }));
  const view = await dom.render(tree('leads', 'first'));
  const socket = WebSocket.last();
  await dom.act(async () => {
    socket.accept();
    socket.answerSubscribes();
  });
  assert.deepEqual(socket.framesOfType('subscribe').map((f) => f.channel), ['user.7', 'leads']);
  assert.deepEqual(statuses.at(-1), { subscribed: true, error: null });

  await dom.act(async () => socket.serverSend({ type: 'lead_created', channel: 'leads', seq: 101, id: 'a', data: {} }));
  await view.rerender(tree('leads', 'second'));
  await dom.act(async () => socket.serverSend({ type: 'lead_created', channel: 'leads', seq: 102, id: 'b', data: {} }));
  assert.deepEqual(received, ['first:leads:101', 'second:leads:102'], 'the newest handler is called');
  assert.equal(socket.framesOfType('subscribe').length, 2, 'a new handler does not resubscribe');

  statuses = [];
  await view.rerender(tree('escrow.9', 'second'));
  assert.deepEqual(socket.framesOfType('unsubscribe').map((f) => f.channel), ['leads']);
  assert.deepEqual(socket.framesOfType('subscribe').map((f) => f.channel), ['user.7', 'leads', 'escrow.9']);
  assert.equal(statuses.at(-1).subscribed, false, 'not confirmed yet');
  await dom.act(async () => socket.answerSubscribes());
  assert.equal(statuses.at(-1).subscribed, true);

  await view.unmount();
  assert.deepEqual(socket.framesOfType('unsubscribe').map((f) => f.channel), ['leads', 'escrow.9']);
  assert.deepEqual(client.channels(), ['user.7']);
  client.close();
});

test('useChannel reports a refusal', async () => {
  const WebSocket = fakeWebSocketClass();
  const client = new LeadlineClient(clientOptions(WebSocket));
  let status;
  function Monitor() {
    status = useChannel('payments.monitor', { metrics_updated: () => {} }, { filter: { kinds: ['metrics'] } });
    return null;
  }
  const view = await dom.render(h(LeadlineProvider, { client, inbox: false }, h(Monitor)));
  const socket = WebSocket.last();
  await dom.act(async () => socket.accept());
  const subscribe = socket.framesOfType('subscribe').find((f) => f.channel === 'payments.monitor');
  assert.deepEqual(subscribe.filter, { kinds: ['metrics'] });
  await dom.act(async () => socket.serverSend({ type: 'error', code: 'forbidden', message: 'admins only', ref: subscribe.id }));
  assert.equal(status.subscribed, false);
  assert.equal(status.error.code, 'forbidden');
  await view.unmount();
  client.close();
});

test('without the inbox over REST, notifications and the unread count follow the socket', async () => {
  const WebSocket = fakeWebSocketClass();
  const client = new LeadlineClient(clientOptions(WebSocket));
  const seen = {};
  const view = await dom.render(h(LeadlineProvider, { client }, h(Probe, { seen })));
  const socket = WebSocket.last();
  await dom.act(async () => {
    socket.accept();
    socket.answerSubscribes();
  });
  const note = (seq, title) => ({ type: 'notification_message', channel: 'user.7', seq, id: 'n' + seq, ts: 0, data: { title, message: 'hello' } });
  await dom.act(async () => {
    socket.serverSend(note(101, 'First'));
    socket.serverSend(note(102, 'Second'));
    socket.serverSend({ type: 'lead_created', channel: 'leads', seq: 5, id: 'l5', data: {} });
  });
  assert.equal(seen.current.unreadCount, 2);
  assert.deepEqual(seen.current.notifications.map((n) => n.title), ['Second', 'First'], 'newest first');
  assert.equal(seen.current.notifications[0].event_id, 'n102');
  assert.match(seen.current.inboxError.message, /getToken/, 'the REST inbox says what it needs');
  await assert.rejects(seen.current.markAsRead('n102'), /getToken/);
  await view.unmount();
  client.close();
});

test('useLeadline outside a provider says where it belongs', async () => {
  function Lost() {
    useLeadline();
    return null;
  }
  const errors = [];
  const original = console.error;
  console.error = (...args) => errors.push(args); // React reports the render error as well
  try {
    await assert.rejects(dom.render(h(Lost)), /inside a <LeadlineProvider>/);
  } finally {
    console.error = original;
  }
});
