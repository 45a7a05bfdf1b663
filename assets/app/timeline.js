// timeline.js — calendar arithmetic on ISO dates with astronomical years
// ("-0043-03-15"), the SVG histogram with drag-to-zoom, and the per-event
// time track that draws a day as a dot and a month or year as a bar.

import { t, locale } from './i18n.js';

const SVG = 'http://www.w3.org/2000/svg';

// ---- days <-> civil dates (proleptic Gregorian, any year) ----

/** Day number (0 = 1970-01-01) of year y, month m (1-12), day d. */
export function dayOf(y, m, d) {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [y, m, d] of a day number. */
export function civil(z) {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const pad = (n, w) => String(n).padStart(w, '0');

/** ISO form of a day number: "2024-01-26", "-0043-03-15". */
export function iso(z) {
  const [y, m, d] = civil(z);
  return `${y < 0 ? '-' : ''}${pad(Math.abs(y), 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** Day number of an ISO date, or NaN. */
export function parseIso(s) {
  const m = /^(-?\d{1,6})-(\d{2})-(\d{2})$/.exec(String(s || ''));
  return m ? dayOf(+m[1], +m[2], +m[3]) : NaN;
}

export const daysInMonth = (y, m) => dayOf(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - dayOf(y, m, 1);

/**
 * A typed date ("2023", "2023-10", "2023-10-07", "-43") as an ISO day: the
 * first day of the period, or its last when `end`. '' for empty, null when invalid.
 */
export function parseDateInput(v, end) {
  v = String(v || '').trim();
  if (!v) return '';
  const m = /^(-?\d{1,6})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(v);
  if (!m) return null;
  const y = +m[1];
  if (!m[2]) return iso(end ? dayOf(y, 12, 31) : dayOf(y, 1, 1));
  const mo = +m[2];
  if (mo < 1 || mo > 12) return null;
  const dim = daysInMonth(y, mo);
  if (!m[3]) return iso(dayOf(y, mo, end ? dim : 1));
  const d = +m[3];
  if (d < 1 || d > dim) return null;
  return iso(dayOf(y, mo, d));
}

/** A year for people: "2024", "44 BCE" (astronomical 0 is 1 BCE). */
export function yearLabel(y) { return y > 0 ? String(y) : t('bce', { y: 1 - y }); }

const monthFmt = {};
function monthName(m, style) {
  const key = `${locale()}|${style}`;
  monthFmt[key] ||= new Intl.DateTimeFormat(locale(), { month: style, timeZone: 'UTC' });
  return monthFmt[key].format(new Date(Date.UTC(2000, m - 1, 15)));
}

/** A short label of a day for axis ticks, at the given grain. */
export function dayLabel(z, grain) {
  const [y, m, d] = civil(z);
  if (grain === 'year') return yearLabel(y);
  if (grain === 'month') return `${monthName(m, 'short')} ${yearLabel(y)}`;
  return `${d} ${monthName(m, 'short')}`;
}

/** The window for people: "3 Oct 2023", "2023". */
export function windowLabel(z) {
  const [y, m, d] = civil(z);
  return `${d} ${monthName(m, 'short')} ${yearLabel(y)}`;
}

/** Histogram bucket for a window of days. */
export function chooseBucket(lo, hi) {
  const n = hi - lo + 1;
  if (n <= 120) return 'DAY';
  if (n <= 3 * 366) return 'WEEK';
  if (n <= 40 * 366) return 'MONTH';
  return 'YEAR';
}

// ---- ticks ----

function ticks(lo, hi, maxTicks) {
  const span = hi - lo + 1;
  const out = [];
  if (span > 730) {
    const years = span / 365.2425;
    const steps = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000];
    const step = steps.find((s) => years / s <= maxTicks) || 10000;
    const [y0] = civil(lo);
    for (let y = Math.ceil(y0 / step) * step; ; y += step) {
      const z = dayOf(y, 1, 1);
      if (z > hi) break;
      if (z >= lo) out.push([z, 'year']);
    }
  } else if (span > 62) {
    const months = span / 30.4;
    const step = [1, 2, 3, 6, 12].find((s) => months / s <= maxTicks) || 12;
    let [y, m] = civil(lo);
    for (;;) {
      const z = dayOf(y, m, 1);
      if (z > hi) break;
      if (z >= lo && (m - 1) % step === 0) out.push([z, (m === 1 || out.length === 0) ? 'month' : 'monthOnly']);
      m += 1;
      if (m > 12) { m = 1; y += 1; }
    }
  } else {
    const step = [1, 2, 7, 14].find((s) => span / s <= maxTicks) || 14;
    for (let z = lo; z <= hi; z += step) out.push([z, 'day']);
  }
  return out;
}

function el(name, attrs = {}, parent) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

/**
 * Draws `buckets` ({start, end, count}) in `svg` over days [lo, hi], mirrored
 * when `rtl`. Dragging across calls onZoom(fromDay, toDay); a click on a bar
 * zooms into its bucket.
 */
export function drawHistogram(svg, buckets, { lo, hi, rtl, onZoom }) {
  const width = Math.max(200, Math.round(svg.getBoundingClientRect().width || svg.clientWidth || 600));
  const height = 150;
  const m = { top: 10, bottom: 24, side: 10 };
  const W = width - 2 * m.side;
  const H = height - m.top - m.bottom;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.replaceChildren();
  const span = hi + 1 - lo;
  const xOf = (z) => {
    const f = Math.min(1, Math.max(0, (z - lo) / span));
    return m.side + (rtl ? 1 - f : f) * W;
  };
  const dayAt = (x) => {
    let f = (x - m.side) / W;
    f = Math.min(1, Math.max(0, rtl ? 1 - f : f));
    return Math.min(hi, lo + Math.floor(f * span));
  };
  const bars = buckets.map((b) => ({ s: parseIso(b.start), e: parseIso(b.end), count: b.count, b }));
  const max = Math.max(1, ...bars.map((b) => b.count));

  el('rect', { class: 'plot-bg', x: m.side, y: m.top, width: W, height: H }, svg);
  const grid = el('g', { class: 'grid' }, svg);
  for (const frac of [0.5, 1]) {
    const y = m.top + H - frac * H;
    el('line', { x1: m.side, x2: m.side + W, y1: y, y2: y }, grid);
  }
  const maxLabel = el('text', { class: 'max', x: rtl ? m.side + W - 4 : m.side + 4, y: m.top + 11, 'text-anchor': rtl ? 'end' : 'start' }, svg);
  maxLabel.textContent = bars.some((b) => b.count) ? String(max) : '';

  const g = el('g', { class: 'bars' }, svg);
  for (const b of bars) {
    if (!b.count) continue;
    const x1 = xOf(b.s);
    const x2 = xOf(b.e + 1);
    let x = Math.min(x1, x2);
    let w = Math.abs(x2 - x1);
    if (w > 3) { x += 0.5; w -= 1; }
    w = Math.max(w, 1.5);
    const h = Math.max(2, (b.count / max) * H);
    const r = el('rect', { class: 'bar', x: x.toFixed(2), y: (m.top + H - h).toFixed(2), width: w.toFixed(2), height: h.toFixed(2), 'data-start': b.b.start, 'data-end': b.b.end, 'data-count': b.count }, g);
    const title = el('title', {}, r);
    title.textContent = `${windowLabel(b.s)} – ${windowLabel(b.e)}: ${b.count}`;
  }

  const axis = el('g', { class: 'axis' }, svg);
  el('line', { x1: m.side, x2: m.side + W, y1: m.top + H + 0.5, y2: m.top + H + 0.5 }, axis);
  const tickList = ticks(lo, hi, Math.max(2, Math.floor(W / 90)));
  for (const [z, grain] of tickList) {
    const x = xOf(z);
    el('line', { x1: x, x2: x, y1: m.top + H, y2: m.top + H + 4 }, axis);
    const near = x - m.side < 36 ? 'left' : (m.side + W - x < 36 ? 'right' : '');
    // text-anchor follows the text direction: "start" is the right edge in RTL.
    const anchor = near ? ((near === 'left') !== rtl ? 'start' : 'end') : 'middle';
    const label = el('text', { x: near === 'left' ? Math.max(x, 2) : x, y: height - 6, 'text-anchor': anchor }, axis);
    label.textContent = grain === 'monthOnly' ? monthName(civil(z)[1], 'short') : dayLabel(z, grain);
  }

  // Drag to zoom (pointer events cover mouse, pen and touch).
  const sel = el('rect', { class: 'selection', x: 0, y: m.top, width: 0, height: H, visibility: 'hidden' }, svg);
  const toLocal = (ev) => {
    const r = svg.getBoundingClientRect();
    return ((ev.clientX - r.left) / r.width) * width;
  };
  let start = null;
  svg.onpointerdown = (ev) => {
    if (ev.button !== 0 || !onZoom) return;
    start = toLocal(ev);
    svg.setPointerCapture(ev.pointerId);
    sel.setAttribute('visibility', 'visible');
    sel.setAttribute('x', start);
    sel.setAttribute('width', 0);
    ev.preventDefault();
  };
  svg.onpointermove = (ev) => {
    if (start === null) return;
    const x = Math.min(m.side + W, Math.max(m.side, toLocal(ev)));
    sel.setAttribute('x', Math.min(start, x));
    sel.setAttribute('width', Math.abs(x - start));
  };
  const finish = (ev, cancelled) => {
    if (start === null) return;
    const x = toLocal(ev);
    const x0 = start;
    start = null;
    sel.setAttribute('visibility', 'hidden');
    if (cancelled) return;
    if (Math.abs(x - x0) >= 4) {
      const a = dayAt(x0);
      const b = dayAt(x);
      onZoom(Math.min(a, b), Math.max(a, b));
    } else {
      const z = dayAt(x);
      const hit = bars.find((b) => b.count && b.s <= z && z <= b.e);
      if (hit && (hit.s > lo || hit.e < hi)) onZoom(Math.max(lo, hit.s), Math.min(hi, hit.e));
    }
  };
  svg.onpointerup = (ev) => finish(ev, false);
  svg.onpointercancel = (ev) => finish(ev, true);
}

/**
 * Lays out an event's date on its track over days [lo, hi]: a dot for a
 * single day, a bar for longer periods, fuzzy edges when approximate.
 */
export function layoutTrack(track, date, lo, hi) {
  let mark = track.firstElementChild;
  if (!mark) { mark = document.createElement('span'); track.appendChild(mark); }
  const s = parseIso(date.start);
  const e = parseIso(date.end);
  const span = hi + 1 - lo;
  const a = Math.max(s, lo);
  const b = Math.min(e + 1, hi + 1);
  const cls = ['mark', `p-${date.precision}`];
  if (s === e) cls.push('point');
  else cls.push('range');
  if (date.approximate) cls.push('approx');
  if (date.modifier) cls.push(`mod-${date.modifier}`);
  if (s < lo) cls.push('clip-start');
  if (e > hi) cls.push('clip-end');
  if (b <= a) cls.push('outside');
  mark.className = cls.join(' ');
  const left = ((a - lo) / span) * 100;
  const w = (Math.max(0, b - a) / span) * 100;
  if (s === e) {
    mark.style.insetInlineStart = `${Math.min(100, Math.max(0, left + w / 2))}%`;
    mark.style.inlineSize = '';
  } else {
    mark.style.insetInlineStart = `${Math.min(100, Math.max(0, left))}%`;
    mark.style.inlineSize = `${Math.min(100, w)}%`;
  }
}
