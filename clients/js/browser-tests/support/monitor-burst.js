// How the admin monitor measures itself during a burst, for the burst tests: input latency from each
// click's timestamp to the next frame after its handler, long tasks, and (window.__leadlineMonitor) how
// many events the page received and applied and how long they waited in the page for the frame that
// applied them.
import { sleep } from '../../testing/env.js';

/** Generous for a loaded 2-core CI machine; a click on a sort header took 7.5 s before batching. */
export const INPUT_P95_LIMIT_MS = 500;
export const INPUT_MAX_LIMIT_MS = 1500;
/** How long an event may wait in the page for the frame that applies it (it was 3.7–14 s behind). */
export const PAGE_LAG_LIMIT_MS = 3000;
export const CLICK_EVERY_MS = 200;

export function percentile(values, p) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Starts measuring clicks and long tasks in the page; the answer is where the monitor's counters stood. */
export async function startMeasuring(page) {
  await page.evaluate(() => {
    window.__inputLatencies = [];
    window.__longTasks = [];
    document.addEventListener('click', (e) => {
      const handled = performance.now();
      requestAnimationFrame(() => window.__inputLatencies.push({
        toHandlerMs: handled - e.timeStamp, toFrameMs: performance.now() - e.timeStamp,
      }));
    }, { capture: true });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask' });
  });
  return page.evaluate(() => ({ ...window.__leadlineMonitor, waits: window.__leadlineMonitor.waits.length }));
}

/**
 * Clicks the "Amount" sort header every CLICK_EVERY_MS from `started` until `deadline` (sorting by amount,
 * both ways, rebuilds the table's order); the answer is how many clicks were made.
 */
export async function clickSortHeader(page, started, deadline) {
  const header = await page.getByRole('button', { name: 'Amount' }).boundingBox();
  let clicks = 0;
  while (Date.now() < deadline) {
    const next = started + (clicks + 1) * CLICK_EVERY_MS;
    await sleep(Math.max(0, next - Date.now()));
    await page.mouse.click(header.x + header.width / 2, header.y + header.height / 2);
    clicks += 1;
  }
  return clicks;
}

/** What the page measured since `before` (startMeasuring's answer), as one flat report. */
export async function burstReport(page, before, { burstMs, clicks, ...extra }) {
  const measured = await page.evaluate((from) => ({
    inputs: window.__inputLatencies,
    longTasks: window.__longTasks,
    monitor: { ...window.__leadlineMonitor, waits: window.__leadlineMonitor.waits.slice(from) },
    rows: document.querySelectorAll('#tx-body tr').length,
  }), before.waits);
  const events = measured.monitor.received - before.received;
  const toFrame = measured.inputs.map((i) => i.toFrameMs);
  const waits = measured.monitor.waits.map((w) => w.waitMs);
  const sinceEvent = measured.monitor.waits.map((w) => w.sinceEventMs);
  const applyMs = measured.monitor.waits.map((w) => w.applyMs);
  return {
    burstMs, ...extra, events, applied: measured.monitor.applied - before.applied,
    eventsPerSecond: Math.round(events / (burstMs / 1000)),
    frames: measured.monitor.waits.length, clicks, clicksMeasured: toFrame.length,
    inputP50Ms: Math.round(percentile(toFrame, 50)), inputP95Ms: Math.round(percentile(toFrame, 95)),
    inputMaxMs: Math.round(Math.max(0, ...toFrame)),
    pageLagP95Ms: percentile(waits, 95), pageLagMaxMs: Math.max(0, ...waits),
    applyP95Ms: percentile(applyMs, 95), applyMaxMs: Math.max(0, ...applyMs),
    sinceEventP50Ms: percentile(sinceEvent, 50), sinceEventP95Ms: percentile(sinceEvent, 95),
    longestTaskMs: Math.round(Math.max(0, ...measured.longTasks)),
    rows: measured.rows,
  };
}
