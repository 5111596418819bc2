// The React bindings in a happy-dom document against the real platform: a bell with the unread count and
// the inbox list, mark-as-read and clear-all, and a live feed of the leads channel, as an app renders them.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { liveSystem, eventually, Waits } from '../../testing/env.js';
import { reactDom } from '../../testing/react-dom.js';
import { LeadlineProvider, useChannel, useLeadline } from '../../src/react.js';

const live = liveSystem();
const opts = live.skip ? { skip: live.skip } : {};

describe('React bindings against the platform', opts, () => {
  let dom;
  let view;
  let provider;
  const app = {};

  before(async () => {
    dom = await reactDom({ act: false });
    provider = await live.api.register('provider', 'react_app');
  });

  after(async () => {
    await view?.unmount();
    await dom?.close();
  });

  test('the bell counts notifications as they arrive, marks one read, clears all, and the feed shows new leads', async () => {
    const h = dom.createElement;
    function Bell() {
      const leadline = useLeadline();
      app.leadline = leadline;
      return h('div', null,
        h('span', { id: 'state' }, leadline.state),
        h('span', { id: 'unread' }, String(leadline.unreadCount)),
        h('ul', { id: 'inbox' }, leadline.notifications.map((n) =>
          h('li', { key: n.event_id, 'data-read': String(n.read) }, n.title))));
    }
    function Feed() {
      const [titles, setTitles] = dom.useState([]);
      app.feed = useChannel('leads', { lead_created: (e) => setTitles((t) => [e.data.title, ...t]) });
      return h('ol', { id: 'feed' }, titles.map((t) => h('li', { key: t }, t)));
    }
    const getToken = async () => provider.token;
    view = await dom.render(h(LeadlineProvider, { options: { url: live.ws, WebSocket, getToken, onlineEvents: false } },
      h(Bell), h(Feed)));
    const shown = (selector) => view.container.querySelector(selector)?.textContent;

    await eventually(() => app.leadline.isConnected && app.leadline.inboxLoaded && app.feed.subscribed,
      'connected, the inbox read and the feed subscribed', Waits.RECONNECT_MS);
    assert.equal(shown('#state'), 'connected');
    assert.equal(shown('#unread'), '0');

    for (const title of ['Quote accepted', 'Invoice due', 'Lead expiring']) {
      await live.api.notify({ user_id: String(provider.id) }, { title, message: 'from the React test' });
    }
    await eventually(() => shown('#unread') === '3', `3 unread (shows ${shown('#unread')})`, Waits.ROUND_TRIP_MS);
    await eventually(() => view.container.querySelectorAll('#inbox li').length === 3, 'three notifications listed');
    assert.deepEqual([...view.container.querySelectorAll('#inbox li')].map((li) => li.textContent),
      ['Lead expiring', 'Invoice due', 'Quote accepted'], 'newest first');

    const invoice = app.leadline.notifications.find((n) => n.title === 'Invoice due');
    await app.leadline.markAsRead(invoice.id);
    await eventually(() => shown('#unread') === '2', `2 unread after one was read (shows ${shown('#unread')})`);
    assert.equal(view.container.querySelector('#inbox li[data-read="true"]')?.textContent, 'Invoice due');
    assert.equal((await live.api.unreadCount(provider.token)).unread_count, 2, 'the server agrees');

    const lead = `Cracked window ${Date.now() % 100000}`;
    await live.api.publishLead({ title: lead });
    await eventually(() => shown('#feed')?.includes(lead), 'the new lead in the feed');

    await app.leadline.clearAll();
    await eventually(() => shown('#unread') === '0' && view.container.querySelectorAll('#inbox li').length === 0,
      `an empty inbox (shows ${shown('#unread')} unread)`);
    assert.equal((await live.api.unreadCount(provider.token)).unread_count, 0);
    assert.equal((await live.api.notifications(provider.token)).total, 0);
  });
});
