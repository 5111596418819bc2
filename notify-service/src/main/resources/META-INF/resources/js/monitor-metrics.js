// The monitor's metrics: the cards and the charts of the last hour. Snapshots carry a version that
// rises with every payment change; one at or below the version shown is older than what is on the
// page and is dropped, so the cards never step back to an earlier state.
import { h, $, api, formatTime, formatMoney } from './app.js';

const SERIES_PATH = '/api/payments/metrics/series?window=1h&step=1m';
// a burst of payments brings a snapshot per change: the charts are read again at most this often
const SERIES_REFRESH_MS = 5000;
// the window moves on with the clock even when no payment changes
const SERIES_ROLL_MS = 60_000;
const SVG = 'http://www.w3.org/2000/svg';
const CHART_WIDTH = 600;
const CHART_HEIGHT = 120;

let shownVersion = null;
let seriesVersion = null;
let seriesTimer = null;
let seriesDue = 0;

/**
 * Shows a metrics snapshot unless the page already shows a newer one. {@code fromRest}: an answer of
 * GET /api/payments/metrics, which may report the very state shown; a live snapshot of that version
 * is a repeat. Returns whether it was shown.
 */
export function showMetrics(metrics, { fromRest = false } = {}) {
  const version = Number.isSafeInteger(metrics.version) ? metrics.version : null;
  if (version !== null && shownVersion !== null && (fromRest ? version < shownVersion : version <= shownVersion)) {
    return false;
  }
  if (version !== null) shownVersion = version;
  const count = $('#m-count');
  count.textContent = String(metrics.transaction_count ?? '–');
  count.dataset.value = String(metrics.transaction_count ?? '');
  const rate = Number(metrics.success_rate);
  $('#m-rate').textContent = Number.isFinite(rate) ? (rate <= 1 ? rate * 100 : rate).toFixed(1) + ' %' : '–';
  $('#m-rate').dataset.value = Number.isFinite(rate) ? String(rate) : '';
  const revenue = $('#m-revenue');
  revenue.textContent = formatMoney(metrics.revenue_total ?? 0, metrics.revenue_currency || 'USD');
  revenue.dataset.value = String(metrics.revenue_total ?? '');
  $('#m-window').textContent = `${metrics.window || ''} · ${formatTime(Date.now())}`;
  if (version !== null) $('#metrics').dataset.version = String(version);
  if (!fromRest) refreshSeriesSoon();
  return true;
}

/**
 * The cards from REST, on the first load and after any gap in the live stream; the charts are read
 * beside it, without holding up what the page loads next.
 */
export async function loadMetrics() {
  loadSeries();
  scheduleRoll();
  try {
    showMetrics(await api.payments('/api/payments/metrics'), { fromRest: true });
  } catch (e) {
    $('#m-window').textContent = e.status === 404 ? 'n/a' : 'error';
  }
}

async function loadSeries() {
  seriesDue = Date.now() + SERIES_REFRESH_MS;
  try {
    const series = await api.payments(SERIES_PATH);
    if (seriesVersion !== null && Number(series.version) < seriesVersion) return; // an answer overtaken by a later one
    seriesVersion = Number(series.version);
    drawCharts(series);
  } catch (e) {
    $('#charts-note').textContent = 'Charts unavailable: ' + e.message;
  }
}

function refreshSeriesSoon() {
  if (seriesTimer !== null || $('#charts') === null) return;
  seriesTimer = setTimeout(() => {
    seriesTimer = null;
    if (document.hidden) return; // read when the page is looked at again (visibilitychange)
    loadSeries();
  }, Math.max(0, seriesDue - Date.now()));
}

let rollTimer = null;
function scheduleRoll() {
  if (rollTimer !== null) return;
  rollTimer = setInterval(() => { if (!document.hidden) loadSeries(); }, SERIES_ROLL_MS);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) loadSeries(); });
}

function drawCharts(series) {
  const points = series.points || [];
  const currency = series.revenue_currency || 'USD';
  const counts = points.map((p) => Number(p.transaction_count) || 0);
  const rates = points.map((p) => (p.success_rate === null || p.success_rate === undefined ? null : Number(p.success_rate)));
  let running = 0;
  const revenue = points.map((p) => (running += Number(p.revenue) || 0));
  const lastRate = [...rates].reverse().find((r) => r !== null);
  const at = points.length ? formatTime(points[points.length - 1].starts_at) : '';

  chart('tpm', 'Transactions per minute',
    `${counts[counts.length - 1] ?? 0} in the minute from ${at}, at most ${Math.max(0, ...counts)} a minute in the last hour`,
    bars(counts), counts.filter((c) => c > 0).length);
  chart('rate', 'Success rate',
    lastRate === undefined ? 'no payment came to an end in the last hour'
      : `${(lastRate * 100).toFixed(1)} % in the latest minute with settled payments`,
    line(rates, 1), rates.filter((r) => r !== null).length);
  chart('revenue', 'Revenue, last hour',
    `${formatMoney(running, currency)} in the last hour`,
    line(revenue, Math.max(...revenue, 0) || 1, true), revenue.filter((r) => r > 0).length);
  $('#charts-note').textContent = `Last hour by minute, as of ${formatTime(Date.now())}`;
}

/** Replaces one chart's drawing and its text; the latest values are its accessible name too. */
function chart(name, title, summary, shapes, dataPoints) {
  const figure = $(`#chart-${name}`);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${title}: ${summary}`);
  svg.dataset.points = String(dataPoints);
  const label = document.createElementNS(SVG, 'title');
  label.textContent = `${title}: ${summary}`;
  svg.append(label, ...shapes);
  figure.querySelector('svg')?.remove();
  figure.prepend(svg);
  figure.querySelector('figcaption').replaceChildren(h('strong', {}, title), h('span', {}, summary));
}

function bars(values) {
  const max = Math.max(1, ...values);
  const width = CHART_WIDTH / Math.max(1, values.length);
  return values.map((value, i) => svgElement('rect', {
    class: 'bar', x: (i * width).toFixed(2), width: Math.max(1, width - 1).toFixed(2),
    y: (CHART_HEIGHT - (value / max) * CHART_HEIGHT).toFixed(2), height: ((value / max) * CHART_HEIGHT).toFixed(2),
  }));
}

/** A line through the values (null leaves a gap), scaled so that {@code max} is the top; optionally filled below. */
function line(values, max, filled = false) {
  const step = CHART_WIDTH / Math.max(1, values.length - 1);
  const segments = [];
  let current = [];
  values.forEach((value, i) => {
    if (value === null) {
      if (current.length) segments.push(current);
      current = [];
      return;
    }
    current.push([i * step, CHART_HEIGHT - (value / max) * (CHART_HEIGHT - 2) - 1]);
  });
  if (current.length) segments.push(current);
  return segments.flatMap((segment) => {
    const path = segment.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(2)},${y.toFixed(2)}`).join(' ');
    // a value between two gaps is a dash one bucket wide, ending at its point (the last one is at the edge)
    const [x, y] = segment[0];
    const dash = `M${Math.max(0, x - step).toFixed(2)},${y.toFixed(2)} H${Math.max(x, step).toFixed(2)}`;
    const shapes = [svgElement('path', { class: 'line', d: segment.length > 1 ? path : dash })];
    if (filled && segment.length > 1) {
      const first = segment[0][0].toFixed(2);
      const last = segment[segment.length - 1][0].toFixed(2);
      shapes.unshift(svgElement('path', { class: 'area', d: `${path} L${last},${CHART_HEIGHT} L${first},${CHART_HEIGHT} Z` }));
    }
    return shapes;
  });
}

function svgElement(tag, attributes) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}
