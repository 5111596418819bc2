// `./leadline demo` against the real platform, twice in a row: every step succeeds and shows its event
// on both runs. The second run falls inside every fraud rule's window of the first, where an alert for
// the same customer would be deduplicated into silence.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { liveSystem } from '../../testing/env.js';

const live = liveSystem();
const opts = live.skip ? { skip: live.skip } : {};
const DEMO = resolve(dirname(fileURLToPath(import.meta.url)), '../../demo/demo.mjs');
const STEPS = 9;

async function runDemo() {
  const { stdout } = await promisify(execFile)(process.execPath, [DEMO], {
    env: process.env, timeout: 240_000, maxBuffer: 8 * 1024 * 1024,
  });
  return stdout;
}

/** The event types the demo's live watchers printed (`← provider: lead_created on leads …`). */
function eventsSeen(output) {
  return new Set([...output.matchAll(/← \w+: (\w+) on /g)].map((m) => m[1]));
}

describe('the demo', opts, () => {
  test('runs twice in a row with every step ok and every step\'s event seen both times', { timeout: 600_000 }, async () => {
    for (const run of [1, 2]) {
      const output = await runDemo();
      assert.match(output, new RegExp(`Done: ${STEPS} steps ok, 0 skipped, 0 failed\\.`), `run ${run}:\n${output}`);
      assert.match(output, /fraud_alert published for customer #\d+: /, `run ${run}:\n${output}`);
      // the alert says in words what happened (its summary)
      assert.match(output, /← admin: fraud_alert on payments\.monitor #\d+ repeated_failures \(high\) on \d+: 3 failed payments within 1 hour/,
        `run ${run}:\n${output}`);
      const seen = eventsSeen(output);
      for (const type of ['lead_created', 'lead_claimed', 'transaction_created', 'transaction_updated',
        'refund_processed', 'webhook_processed', 'fraud_alert']) {
        assert.ok(seen.has(type), `run ${run} shows no ${type}:\n${output}`);
      }
    }
  });
});
