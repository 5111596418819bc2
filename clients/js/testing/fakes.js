// Test doubles for the algorithm tests: a manual clock and a scriptable WebSocket.
// (This folder is not named `test` so that `node --test` does not run it as a test file.)

/** A clock whose time only moves when the test says so. */
export class FakeClock {
  constructor(start = 1_700_000_000_000) {
    this.time = start;
    this.timers = new Map();
    this.nextId = 1;
    this.now = () => this.time;
    this.setTimeout = (fn, ms) => {
      const id = this.nextId++;
      this.timers.set(id, { at: this.time + Math.max(0, ms ?? 0), fn, ms });
      return id;
    };
    this.clearTimeout = (id) => {
      this.timers.delete(id);
    };
  }

  /** Moves time forward, running every timer that falls due, in order. */
  advance(ms) {
    const end = this.time + ms;
    for (;;) {
      let next = null;
      for (const [id, t] of this.timers) {
        if (t.at <= end && (next === null || t.at < next[1].at || (t.at === next[1].at && id < next[0]))) {
          next = [id, t];
        }
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }

  /** Delays of the timers now pending, sorted. */
  pendingDelays() {
    return [...this.timers.values()].map((t) => t.at - this.time).sort((a, b) => a - b);
  }
}

/** Lets pending promise callbacks run (token providers are async). */
export const flush = async (rounds = 5) => {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
};

/** A WebSocket class whose instances the test drives from the server's side. */
export function fakeWebSocketClass() {
  const sockets = [];
  class FakeWebSocket {
    constructor(url, protocols, options) {
      this.url = url;
      this.protocols = protocols;
      this.options = options;
      this.readyState = 0;
      this.sent = [];
      this.closedWith = null;
      sockets.push(this);
    }

    send(text) {
      if (this.readyState !== 1) throw new Error('not open');
      this.sent.push(JSON.parse(text));
    }

    close(code, reason) {
      this.closedWith = { code, reason };
      this.readyState = 3;
    }

    // ---- driven by the test, as the server would ----
    serverOpen() {
      this.readyState = 1;
      this.onopen && this.onopen({});
    }

    serverSend(frame) {
      this.serverSendText(JSON.stringify(frame));
    }

    /** A text frame as sent, e.g. a batch of events, one JSON object per line. */
    serverSendText(text) {
      this.onmessage && this.onmessage({ data: text });
    }

    serverClose(code = 1006, reason = '') {
      this.readyState = 3;
      this.onclose && this.onclose({ code, reason });
    }

    /** Opens and sends the connected frame. */
    accept({ userId = '7', channels = [`user.${userId}`], heartbeat = 25, tokenExpiresAt = 0 } = {}) {
      this.serverOpen();
      this.serverSend({
        type: 'connected', user_id: userId, connection_id: 'conn-' + sockets.length, channels,
        heartbeat_s: heartbeat, token_expires_at: tokenExpiresAt,
      });
    }

    framesOfType(type) {
      return this.sent.filter((f) => f.type === type);
    }

    /** Answers every subscribe sent so far that has no answer yet. */
    answerSubscribes({ seq = 100, recovered = true } = {}) {
      this._answered ??= new Set();
      for (const f of this.framesOfType('subscribe')) {
        if (this._answered.has(f.id)) continue;
        this._answered.add(f.id);
        this.serverSend({ type: 'subscribed', channel: f.channel, seq, recovered, id: f.id });
      }
    }
  }
  FakeWebSocket.sockets = sockets;
  FakeWebSocket.last = () => sockets[sockets.length - 1];
  return FakeWebSocket;
}

/** An object with addEventListener/removeEventListener standing in for `window`. */
export class FakeWindow {
  constructor() {
    this.listeners = new Map();
  }

  addEventListener(name, fn) {
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name).add(fn);
  }

  removeEventListener(name, fn) {
    this.listeners.get(name)?.delete(fn);
  }

  dispatch(name) {
    for (const fn of this.listeners.get(name) ?? []) fn({ type: name });
  }
}
