// The inbox as two tabs of one user see it through the SDK: what a socket shows can be read and marked
// read over REST at once by the frame's event id, and both tabs' UnreadCounters end on the server's count
// while notifications arrive and one tab marks them read.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { LeadlineClient, UnreadCounter, isInboxEvent } from '../../src/leadline.js';
import { liveSystem, eventually } from '../../testing/env.js';

const live = liveSystem();
const opts = live.skip ? { skip: live.skip } : {};
const NOTIFICATIONS = 40;

/** A tab: an SDK client whose UnreadCounter follows its events and the inbox snapshots it is given. */
function tab(token) {
  const client = new LeadlineClient({ url: live.ws, WebSocket, token, onlineEvents: false });
  const unread = new UnreadCounter();
  const seen = [];
  client.onEvent('*', (e) => {
    seen.push(e);
    if (e.type === 'notification_read') unread.apply(e.data);
    else unread.observe(e);
  });
  return { client, unread, seen };
}

describe('the inbox through the SDK', opts, () => {
  let provider;
  const tabs = [];

  before(async () => {
    provider = await live.api.register('provider', 'sdk_inbox');
  });

  after(() => {
    for (const t of tabs) t.client.close();
  });

  test('every notification a tab receives is readable and markable by its event id at once, and the counts agree', async () => {
    const a = tab(provider.token);
    const b = tab(provider.token);
    tabs.push(a, b);
    await Promise.all([a.client.connect(), b.client.connect()]);
    for (const t of [a, b]) t.unread.apply(await live.api.unreadCount(provider.token));

    const sending = (async () => {
      for (let i = 0; i < NOTIFICATIONS; i++) {
        await live.api.notify({ user_id: String(provider.id) }, { title: `Note ${i}`, message: 'inbox test' });
      }
    })();

    // tab A reads and marks read what it receives, the moment it receives it, by the frame's id
    const handled = new Set();
    let marked = 0;
    while (handled.size < NOTIFICATIONS) {
      const next = await eventually(() => a.seen.find((e) => isInboxEvent(e) && !handled.has(e.id)), 'the next notification in tab A', 30_000);
      handled.add(next.id);
      const item = await live.api.notification(provider.token, next.id);
      assert.equal(item.event_id, next.id);
      assert.equal(item.seq, next.seq);
      if (handled.size % 3 === 0) {
        const answer = await live.api.markRead(provider.token, next.id);
        assert.deepEqual(answer.notification_ids, [item.id]);
        a.unread.apply(answer);
        marked += 1;
      }
      if (handled.size % 10 === 0) b.unread.apply(await live.api.unreadCount(provider.token)); // tab B re-reads
    }
    await sending;

    const expected = NOTIFICATIONS - marked;
    for (const [name, t] of [['A', a], ['B', b]]) {
      await eventually(() => t.unread.count === expected, `tab ${name} to count ${expected} unread (it counts ${t.unread.count})`, 30_000);
    }
    const server = await live.api.unreadCount(provider.token);
    assert.equal(server.unread_count, expected);

    const all = await live.api.markAllRead(provider.token);
    a.unread.apply(all);
    assert.equal(a.unread.count, 0);
    await eventually(() => b.unread.count === 0, 'tab B to follow read-all', 30_000);
  });
});
