// Helpers for the Pusher-protocol tests (test/pusher/): the real pusher-js, laravel-echo and pusher (server)
// libraries pointed at notify-service, and a raw WebSocket client for frames the libraries never send.
import { createHmac } from 'node:crypto';
import WebSocket from 'ws';
import Pusher from 'pusher-js';
import Echo from 'laravel-echo';
import PusherServer from 'pusher';
import { liveSystem, eventually as poll, Waits } from './env.js';

const PUSHER_VARS = ['LEADLINE_PUSHER_APP_ID', 'LEADLINE_PUSHER_APP_KEY', 'LEADLINE_PUSHER_APP_SECRET'];

/**
 * The live system of env.js plus the Pusher app (id, key, secret) notify-service is configured with, or a
 * skip message naming what is missing.
 */
export function pusherSystem() {
  const live = liveSystem();
  if (live.skip) return live;
  const missing = PUSHER_VARS.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    return { skip: `needs notify-service's Pusher app: set ${missing.join(', ')}` };
  }
  if (!live.config.paymentsUrl) {
    return { skip: 'set LEADLINE_PAYMENTS_URL: the user-channel events come from wallet grants' };
  }
  return {
    ...live,
    app: {
      id: process.env.LEADLINE_PUSHER_APP_ID,
      key: process.env.LEADLINE_PUSHER_APP_KEY,
      secret: process.env.LEADLINE_PUSHER_APP_SECRET,
    },
    secondNotifyUrl: process.env.LEADLINE_NOTIFY_URL_2?.replace(/\/$/, '') || undefined,
  };
}

/** Host and port of a notify-service base URL. */
export function hostPort(notifyUrl) {
  const url = new URL(notifyUrl);
  return { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}

/** ws://host:port/app/{key}?protocol=7&… as pusher-js opens it. */
export function appSocketUrl(notifyUrl, key) {
  const { host, port } = hostPort(notifyUrl);
  return `ws://${host}:${port}/app/${encodeURIComponent(key)}?protocol=7&client=js&version=8.6.0&flash=false`;
}

/** Keeps every client a test makes, to disconnect them all afterwards whatever happened. */
export class Clients {
  constructor(system) {
    this.system = system;
    this.all = [];
  }

  /** The options a pusher-js client needs to reach notify-service (no TLS, WebSocket only). */
  pusherOptions(notifyUrl = this.system.config.notifyUrl, extra = {}) {
    const { host, port } = hostPort(notifyUrl);
    return {
      cluster: 'mt1',
      wsHost: host,
      wsPort: port,
      forceTLS: false,
      enabledTransports: ['ws'],
      disableStats: true,
      ...extra,
    };
  }

  /** A pusher-js client (it connects at once). */
  pusher(extra = {}, notifyUrl = this.system.config.notifyUrl) {
    const client = new Pusher(this.system.app.key, this.pusherOptions(notifyUrl, extra));
    this.all.push(() => client.disconnect());
    return client;
  }

  /** A laravel-echo client on pusher-js for a user's token, authorizing at notify's /api/broadcasting/auth. */
  echo(token, notifyUrl = this.system.config.notifyUrl, extra = {}) {
    const echo = new Echo({
      broadcaster: 'pusher',
      key: this.system.app.key,
      Pusher,
      ...this.pusherOptions(notifyUrl),
      authEndpoint: `${notifyUrl}/api/broadcasting/auth`,
      auth: { headers: { Authorization: 'Bearer ' + token } },
      ...extra,
    });
    this.all.push(() => echo.disconnect());
    return echo;
  }

  /** The official server library for the app, or with another secret. */
  server({ secret = this.system.app.secret, notifyUrl = this.system.config.notifyUrl } = {}) {
    const { host, port } = hostPort(notifyUrl);
    return new PusherServer({ appId: this.system.app.id, key: this.system.app.key, secret, host, port, useTLS: false });
  }

  /** A raw WebSocket on /app/{key} that records every frame it receives. */
  async raw(notifyUrl = this.system.config.notifyUrl) {
    const socket = await RawPusherSocket.open(appSocketUrl(notifyUrl, this.system.app.key));
    this.all.push(() => socket.close());
    return socket;
  }

  closeAll() {
    for (const close of this.all.splice(0)) {
      try {
        close();
      } catch {
        // already closed
      }
    }
  }
}

/** A Pusher protocol client by hand: sends frames as given, keeps every frame received (data parsed). */
export class RawPusherSocket {
  constructor(ws) {
    this.ws = ws;
    this.frames = [];
    this.closed = null;
    ws.on('message', (text) => {
      const frame = JSON.parse(String(text));
      if (typeof frame.data === 'string') {
        try {
          frame.data = JSON.parse(frame.data);
        } catch {
          // a plain string
        }
      }
      this.frames.push(frame);
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
    });
    ws.on('error', () => {});
  }

  static open(url) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const socket = new RawPusherSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
      ws.once('unexpected-response', (req, res) => {
        res.resume();
        reject(new Error(`upgrade refused with ${res.statusCode}`));
      });
    });
  }

  /** Resolves with connection_established's data ({socket_id, activity_timeout}). */
  async established() {
    const frame = await this.next((f) => f.event === 'pusher:connection_established', 'pusher:connection_established');
    return frame.data;
  }

  send(frame) {
    this.ws.send(JSON.stringify(frame));
  }

  subscribe(channel, auth, channelData) {
    const data = { channel };
    if (auth !== undefined) data.auth = auth;
    if (channelData !== undefined) data.channel_data = channelData;
    this.send({ event: 'pusher:subscribe', data });
  }

  /** The first frame (received already or later) that matches. */
  next(predicate, what, timeoutMs = Waits.ROUND_TRIP_MS) {
    return eventually(() => this.frames.find(predicate), () => `${what} (frames so far: ${this.describe()})`, timeoutMs);
  }

  describe() {
    return JSON.stringify(this.frames.map((f) => ({ event: f.event, channel: f.channel, data: f.data }))).slice(0, 2000);
  }

  close() {
    this.ws.close();
  }
}

/** key:hex(HMAC-SHA256(secret, socket_id:channel[:channel_data])), as an application backend signs. */
export function channelAuth(key, secret, socketId, channel, channelData) {
  const subject = channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`;
  return `${key}:${createHmac('sha256', secret).update(subject).digest('hex')}`;
}

/** POSTs to notify's broadcasting auth endpoint as pusher-js does (form), returns { status, body }. */
export async function broadcastingAuth(notifyUrl, token, socketId, channel, path = '/api/broadcasting/auth') {
  const response = await fetch(notifyUrl + path, {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ socket_id: socketId, channel_name: channel }).toString(),
  });
  const text = await response.text();
  let body = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body };
}

/** Resolves when a pusher-js client is connected; its socket id. */
export function connected(pusher, timeoutMs = Waits.RECONNECT_MS) {
  return eventually(() => pusher.connection.state === 'connected' && pusher.connection.socket_id,
    `pusher-js connected (state ${pusher.connection.state})`, timeoutMs);
}

/** Resolves on pusher:subscription_succeeded of a pusher-js channel, rejects on pusher:subscription_error. */
export function subscribed(channel, timeoutMs = Waits.ROUND_TRIP_MS) {
  if (channel.subscribed) return Promise.resolve(channel);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no subscription answer for ${channel.name} in ${timeoutMs} ms`)), timeoutMs);
    channel.bind('pusher:subscription_succeeded', () => {
      clearTimeout(timer);
      resolve(channel);
    });
    channel.bind('pusher:subscription_error', (error) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`subscription to ${channel.name} refused: ${JSON.stringify(error)}`), { pusherError: error }));
    });
  });
}

/** A unique public channel name for one test. */
export function uniqueChannel(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * env.js's eventually, with `what` either a text or a function called when the wait times out, to describe
 * the state at that moment (the frames received, the members seen).
 */
export async function eventually(predicate, what, timeoutMs, everyMs) {
  if (typeof what !== 'function') return poll(predicate, what, timeoutMs, everyMs);
  try {
    return await poll(predicate, 'the condition', timeoutMs, everyMs);
  } catch (error) {
    error.message = error.message.replace('waiting for the condition', `waiting for ${what()}`);
    throw error;
  }
}

export { Pusher, Echo, PusherServer, Waits };
