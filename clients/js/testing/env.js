// Integration and browser tests run against a real system whose addresses come from the environment.
import { configFromEnv, Leadline, wsUrl, HttpError, runFile } from '../demo/rest.mjs';

const REQUIRED = ['LEADLINE_NOTIFY_URL', 'LEADLINE_LEADS_URL', 'LEADLINE_ADMIN_USERNAME', 'LEADLINE_ADMIN_PASSWORD'];

/** The configuration, or a skip message naming the missing variables. */
export function liveSystem() {
  const missing = REQUIRED.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    return {
      skip: `needs a running Leadline: set ${missing.join(', ')} (and LEADLINE_PAYMENTS_URL for the payment parts), ` +
        'e.g. LEADLINE_NOTIFY_URL=http://localhost:8080 LEADLINE_LEADS_URL=http://localhost:8081 ' +
        'LEADLINE_PAYMENTS_URL=http://localhost:8082 LEADLINE_ADMIN_USERNAME=admin LEADLINE_ADMIN_PASSWORD=…',
    };
  }
  const config = configFromEnv(process.env, { defaults: false });
  // the platform's own (the system tests pass theirs; ./leadline up writes .run/), else dev mode's
  config.stripeSecret = process.env.LEADLINE_STRIPE_WEBHOOK_SECRET || runFile('stripe-webhook-secret')
    || 'whsec_leadline_dev_only';
  return { config, api: new Leadline(config), ws: wsUrl(config.notifyUrl) };
}

/**
 * Bounds for waits on a live system, generous for a loaded machine (CI also runs the suite while a CPU hog
 * keeps every core busy, and everything takes 2-4 times longer). A bound only costs time when the awaited
 * thing never comes; a tight one fails a slow but correct run.
 */
export const Waits = Object.freeze({
  /** Something that takes a few server round trips: an event after a REST call, a page's first load. */
  ROUND_TRIP_MS: 20_000,
  /** A (re)connection: backoff, a new socket, resubscription and replay; a page connecting after sign-in. */
  RECONNECT_MS: 60_000,
});

/**
 * Resolves when predicate() is truthy, polling; rejects with `what` after timeoutMs (by default
 * more than a few server round trips take on a loaded machine).
 */
export async function eventually(predicate, what, timeoutMs = 30_000, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await predicate();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` + (last instanceof Error ? `: ${last.message}` : ''));
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** True when an endpoint is not there yet (404/405 from the service): the test says so and skips. */
export function notBuiltYet(error) {
  return error instanceof HttpError && (error.status === 404 || error.status === 405);
}

/** A plain delay. Not a way to wait for something to happen: wait for the event or state with eventually(). */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Hooks for a harness that can stop and start notify-service (the Java system-tests harness does):
 * LEADLINE_NOTIFY_STOP_CMD and LEADLINE_NOTIFY_START_CMD are shell commands; the start command returns
 * once the service is ready (or the test waits for the connection to come back).
 */
export function restartHooks() {
  const stop = process.env.LEADLINE_NOTIFY_STOP_CMD;
  const start = process.env.LEADLINE_NOTIFY_START_CMD;
  if (!stop || !start) {
    return { skip: 'set LEADLINE_NOTIFY_STOP_CMD and LEADLINE_NOTIFY_START_CMD (shell commands that stop and start notify-service) to run this' };
  }
  const run = async (command) => {
    const { execSync } = await import('node:child_process');
    execSync(command, { stdio: 'inherit', shell: '/bin/bash', timeout: 180_000 });
  };
  return { stop: () => run(stop), start: () => run(start) };
}
