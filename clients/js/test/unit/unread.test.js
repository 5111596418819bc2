// UnreadCounter: the newest inbox snapshot plus the inbox events seen after it, whatever the order of arrival.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UnreadCounter, isInboxEvent } from '../../src/leadline.js';

const note = (seq, channel = 'user.7', type = 'notification_message') => ({ type, channel, seq, id: 'e' + seq, data: {} });
const snapshot = (unread_count, as_of_seq, read_version = 0) => ({ unread_count, as_of_seq, read_version });

test('inbox events are the four user events and escrow status changes', () => {
  for (const type of ['notification_message', 'lead_alert', 'lead_distributed', 'balance_updated']) {
    assert.equal(isInboxEvent(note(1, 'user.7', type)), true, type);
    assert.equal(isInboxEvent(note(1, 'escrow.3', type)), false, `${type} on an escrow`);
  }
  assert.equal(isInboxEvent(note(1, 'escrow.3', 'status_change')), true);
  assert.equal(isInboxEvent(note(1, 'user.7', 'status_change')), false);
  for (const type of ['notification_read', 'lead_created', 'lead_claimed', 'payment_status', 'escrow_update']) {
    assert.equal(isInboxEvent(note(1, 'user.7', type)), false, type);
  }
  assert.equal(isInboxEvent(null), false);
  assert.equal(isInboxEvent({ type: 'lead_alert' }), false, 'no channel');
});

test('events count until a snapshot covers them', () => {
  const c = new UnreadCounter();
  assert.equal(c.count, 0);
  assert.equal(c.observe(note(10)), true);
  assert.equal(c.observe(note(11)), true);
  assert.equal(c.observe(note(11)), false, 'the same event twice (a replay) counts once');
  assert.equal(c.observe({ ...note(12), type: 'lead_created', channel: 'leads' }), false);
  assert.equal(c.count, 2);

  assert.equal(c.apply(snapshot(5, 10, 0)), true); // the server counted 10 (and older ones) in its 5
  assert.equal(c.count, 6, '5 up to seq 10, and seq 11 after it');
  assert.equal(c.asOfSeq, 10);
  assert.equal(c.observe(note(9)), false, 'an event the snapshot already covers');
  assert.equal(c.count, 6);
});

test('a snapshot older than the applied one is ignored, by position or by read version', () => {
  const c = new UnreadCounter();
  c.apply(snapshot(4, 20, 3));
  c.observe(note(21));
  assert.equal(c.apply(snapshot(9, 19, 3)), false, 'a lower position');
  assert.equal(c.apply(snapshot(9, 25, 2)), false, 'a lower read version (an answer read before a change)');
  assert.equal(c.apply(snapshot(9, 20, 3)), false, 'the same snapshot again');
  assert.equal(c.count, 5);

  assert.equal(c.apply(snapshot(3, 20, 4)), true, 'a change of the read state at the same position');
  assert.equal(c.count, 4, '3, and seq 21 still after the snapshot');
  assert.equal(c.apply(snapshot(0, 21, 5)), true, 'all read, up to 21');
  assert.equal(c.count, 0);
});

test('snapshots arriving in any order end on the newest', () => {
  // two older snapshots (a re-read and a change's notification_read) and the newest, landing in any order
  const reRead = snapshot(3, 31, 1);
  const change = snapshot(1, 33, 2);
  const newest = snapshot(1, 36, 2);
  for (const order of [[reRead, change, newest], [change, reRead, newest], [newest, change, reRead], [newest, reRead, change]]) {
    const c = new UnreadCounter();
    c.apply(snapshot(2, 30, 1));
    for (const s of order) c.apply(s);
    assert.equal(c.count, 1, order.map((s) => `${s.as_of_seq}/${s.read_version}`).join(' then '));
    assert.equal(c.asOfSeq, 36);
  }
});

test('malformed snapshots change nothing', () => {
  const c = new UnreadCounter();
  c.observe(note(1));
  for (const bad of [null, {}, { unread_count: '3', as_of_seq: 4 }, { unread_count: 3 }]) {
    assert.equal(c.apply(bad), false);
  }
  assert.equal(c.count, 1);
});
