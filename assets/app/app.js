// app.js — the Tarikh web app: filter state kept in the URL, actor suggestions,
// histogram and event list, the event detail panel with highlighted sources,
// language switching, exports and live updates.

import {
  gql, EVENTS_QUERY, TIMELINE_QUERY, EVENT_QUERY, ACTORS_QUERY, CHANGES_SUBSCRIPTION,
  actorsByIdQuery, toFilter, exportQuery, isId,
} from './api.js';
import {
  t, setLang, getLang, KIND_NAMES, kindName, roleName, placeRoleName, precisionName, statusName, actionName,
  actorName, countPhrase, locale, qualifierName,
} from './i18n.js';
import {
  drawHistogram, layoutTrack, parseIso, iso, chooseBucket, parseDateInput, windowLabel,
} from './timeline.js';
import { createLive } from './live.js';
import { TRIGGERS } from './triggers.js';

const $ = (sel, root = document) => root.querySelector(sel);
const PAGE = 50;

/** Everything the URL holds. actors: [{key: id or name, name, nameAr}]. */
const state = {
  lang: 'en', actors: [], match: 'ANY', kinds: [], text: '', from: '', to: '', event: null,
};
/** Windows before each drag-zoom, for "reset zoom". */
const zoomStack = [];

const view = {
  events: [], cursor: null, hasNext: false, total: 0,
  buckets: [], extent: null, // [lo, hi] day numbers the histogram covers
  gen: 0, loading: 0, ready: false, fresh: new Set(),
};

// ---------------------------------------------------------------- helpers

function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

function setLoading(el, on) {
  if (on) el.dataset.loading = '1'; else delete el.dataset.loading;
}

function busy(delta) {
  view.loading += delta;
  setLoading(document.body, view.loading > 0);
}

function fmtDay(isoDay) {
  const z = parseIso(isoDay);
  return Number.isNaN(z) ? String(isoDay || '') : windowLabel(z);
}

function fmtTime(ts) {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

// ---------------------------------------------------------------- URL state

function readUrl() {
  const p = new URLSearchParams(location.search);
  state.lang = p.get('lang') === 'ar' ? 'ar' : (p.get('lang') === 'en' ? 'en' : (navigator.language || '').startsWith('ar') ? 'ar' : 'en');
  state.actors = p.getAll('actor').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)
    .map((key) => ({ key, name: isId(key) ? null : key, nameAr: null }));
  state.match = (p.get('match') || '').toUpperCase() === 'ALL' ? 'ALL' : 'ANY';
  state.kinds = p.getAll('kind').flatMap((v) => v.split(',')).map((v) => v.trim().toUpperCase())
    .filter((k) => KIND_NAMES.includes(k));
  state.text = p.get('text') || '';
  state.from = parseDateInput(p.get('from'), false) || '';
  state.to = parseDateInput(p.get('to'), true) || '';
  state.event = p.get('event') || null;
}

function writeUrl() {
  const p = new URLSearchParams();
  p.set('lang', state.lang);
  for (const a of state.actors) p.append('actor', a.key);
  if (state.actors.length && state.match === 'ALL') p.set('match', 'all');
  for (const k of state.kinds) p.append('kind', k.toLowerCase());
  if (state.text.trim()) p.set('text', state.text.trim());
  if (state.from) p.set('from', state.from);
  if (state.to) p.set('to', state.to);
  if (state.event) p.set('event', state.event);
  history.replaceState(null, '', `${location.pathname}?${p.toString()}${location.hash}`);
  updateExports();
}

function updateExports() {
  const q = exportQuery(state);
  $('#download-csv').href = `/export/events.csv${q}`;
  $('#download-ndjson').href = `/export/events.ndjson${q}`;
  $('#export-note').hidden = !(state.text.trim() || (state.match === 'ALL' && state.actors.length > 1));
}

// ---------------------------------------------------------------- language

function applyLang() {
  setLang(state.lang);
  const html = document.documentElement;
  html.lang = state.lang;
  html.dir = state.lang === 'ar' ? 'rtl' : 'ltr';
  document.title = `${t('appName')} — ${t('tagline')}`;
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll('[data-i18n-placeholder]')) e.placeholder = t(e.dataset.i18nPlaceholder);
  for (const e of document.querySelectorAll('[data-i18n-aria-label]')) e.setAttribute('aria-label', t(e.dataset.i18nAriaLabel));
  const toggle = $('#lang-toggle');
  toggle.textContent = t('langToggle');
  toggle.lang = state.lang === 'ar' ? 'en' : 'ar';
  toggle.setAttribute('aria-label', t('langToggleLabel'));
  $('#actor-input').placeholder = t('actorPlaceholder');
  $('#actor-suggestions').setAttribute('aria-label', t('suggestions'));
  for (const box of document.querySelectorAll('#kinds input')) {
    box.nextElementSibling.textContent = kindName(box.value);
  }
  renderChips();
  setLiveStatus(liveState);
}

// ---------------------------------------------------------------- filters

function buildKinds() {
  const list = $('#kinds .kind-list');
  list.replaceChildren(...KIND_NAMES.map((k) => h('label', { class: 'kind-option', for: `kind-${k}` },
    h('input', { type: 'checkbox', id: `kind-${k}`, name: 'kind', value: k, 'data-testid': `kind-${k}` }),
    h('span', { class: `kind-name k-${k}`, text: kindName(k) }))));
  list.addEventListener('change', () => {
    state.kinds = [...list.querySelectorAll('input:checked')].map((b) => b.value);
    filtersChanged();
  });
}

function syncControls() {
  $('#actor-match').value = state.match;
  $('#text-input').value = state.text;
  $('#from').value = state.from;
  $('#to').value = state.to;
  for (const box of document.querySelectorAll('#kinds input')) box.checked = state.kinds.includes(box.value);
  renderChips();
}

function renderChips() {
  const ul = $('#actor-chips');
  ul.replaceChildren(...state.actors.map((a) => {
    const name = actorName(a) || a.key;
    return h('li', { class: 'chip', 'data-id': a.key },
      h('span', { text: name }),
      h('button', {
        type: 'button', class: 'chip-remove', 'aria-label': t('removeActor', { name }),
        onclick: () => removeActor(a.key),
      }, '×'));
  }));
  $('#actor-match').closest('.field').classList.toggle('muted', state.actors.length < 2);
}

function addActor(a) {
  if (!state.actors.some((x) => x.key === a.key)) state.actors.push(a);
  renderChips();
  filtersChanged();
}

function removeActor(key) {
  state.actors = state.actors.filter((a) => a.key !== key);
  renderChips();
  filtersChanged();
  $('#actor-input').focus();
}

/** Filters changed: the view starts over and the subscription follows. */
function filtersChanged() {
  writeUrl();
  refresh({ reset: true });
  subscribeLive();
}

function applyDates() {
  const err = $('#date-error');
  const from = parseDateInput($('#from').value, false);
  const to = parseDateInput($('#to').value, true);
  const bad = from === null ? $('#from') : (to === null ? $('#to') : null);
  $('#from').toggleAttribute('aria-invalid', from === null);
  $('#to').toggleAttribute('aria-invalid', to === null);
  if (bad) {
    err.hidden = false;
    err.textContent = t('badDate', { value: bad.value });
    return;
  }
  err.hidden = true;
  let [a, b] = [from, to];
  if (a && b && parseIso(a) > parseIso(b)) [a, b] = [b, a];
  if (a === state.from && b === state.to) { $('#from').value = a; $('#to').value = b; return; }
  zoomStack.length = 0;
  setWindow(a, b);
}

function setWindow(from, to) {
  state.from = from || '';
  state.to = to || '';
  $('#from').value = state.from;
  $('#to').value = state.to;
  filtersChanged();
}

function bindFilters() {
  $('#filters').addEventListener('submit', (e) => e.preventDefault());
  $('#actor-match').addEventListener('change', (e) => { state.match = e.target.value; filtersChanged(); });
  const text = $('#text-input');
  const onText = debounce(() => {
    if (text.value === state.text) return;
    state.text = text.value;
    filtersChanged();
  }, 350);
  text.addEventListener('input', onText);
  text.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); state.text = text.value; filtersChanged(); } });
  for (const id of ['#from', '#to']) {
    $(id).addEventListener('change', applyDates);
    $(id).addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); applyDates(); } });
  }
  $('#clear-filters').addEventListener('click', () => {
    Object.assign(state, { actors: [], match: 'ANY', kinds: [], text: '', from: '', to: '' });
    zoomStack.length = 0;
    syncControls();
    filtersChanged();
  });
  $('#reset-zoom').addEventListener('click', () => {
    const base = zoomStack[0] || { from: '', to: '' };
    zoomStack.length = 0;
    setWindow(base.from, base.to);
  });
}

// ---------------------------------------------------------------- actor suggestions

let suggestions = [];
let active = -1;
let suggestAbort = null;

function closeSuggestions() {
  const list = $('#actor-suggestions');
  list.hidden = true;
  list.replaceChildren();
  suggestions = [];
  active = -1;
  $('#actor-input').setAttribute('aria-expanded', 'false');
  $('#actor-input').removeAttribute('aria-activedescendant');
}

function highlight(i) {
  const items = [...$('#actor-suggestions').children];
  active = i;
  items.forEach((li, j) => li.setAttribute('aria-selected', j === i ? 'true' : 'false'));
  const input = $('#actor-input');
  if (items[i]) {
    input.setAttribute('aria-activedescendant', items[i].id);
    items[i].scrollIntoView({ block: 'nearest' });
  } else input.removeAttribute('aria-activedescendant');
}

function pickSuggestion(i) {
  const s = suggestions[i];
  if (!s) return;
  const input = $('#actor-input');
  input.value = '';
  closeSuggestions();
  addActor(s.key === undefined ? { key: s.id, name: s.name, nameAr: s.nameAr } : s);
  input.focus();
}

function renderSuggestions(term, nodes) {
  const list = $('#actor-suggestions');
  const lower = term.toLowerCase();
  suggestions = nodes.filter((n) => !state.actors.some((a) => a.key === n.id));
  const items = suggestions.map((n, i) => {
    const primary = actorName(n);
    const other = getLang() === 'ar' ? n.name : n.nameAr;
    const alias = (n.aliases || []).map((a) => a.alias)
      .find((a) => a.toLowerCase().includes(lower) && a !== n.name && a !== n.nameAr);
    return h('li', {
      id: `actor-option-${i}`, role: 'option', class: 'suggestion', 'data-id': n.id, 'aria-selected': 'false',
      onmousedown: (e) => e.preventDefault(), onclick: () => pickSuggestion(i),
    },
    h('span', { class: 'sugg-name', text: primary }),
    other && other !== primary ? h('span', { class: 'sugg-other', text: other }) : null,
    alias ? h('span', { class: 'sugg-alias', text: `“${alias}”` }) : null);
  });
  // A name nobody catalogued can still be searched for, as the server resolves aliases itself.
  suggestions.push({ key: term, name: term, nameAr: term, free: true });
  items.push(h('li', {
    id: `actor-option-${items.length}`, role: 'option', class: 'suggestion free', 'aria-selected': 'false',
    onmousedown: (e) => e.preventDefault(), onclick: () => pickSuggestion(suggestions.length - 1),
  }, nodes.length ? t('addAsName', { name: term }) : `${t('noSuggestions')} — ${t('addAsName', { name: term })}`));
  list.replaceChildren(...items);
  list.hidden = false;
  $('#actor-input').setAttribute('aria-expanded', 'true');
  highlight(suggestions.length > 1 ? 0 : -1);
}

const fetchSuggestions = debounce(async (term) => {
  if (suggestAbort) suggestAbort.abort();
  const ctrl = new AbortController();
  suggestAbort = ctrl;
  const list = $('#actor-suggestions');
  setLoading(list, true);
  try {
    const data = await gql(ACTORS_QUERY, { s: term }, ctrl.signal);
    if ($('#actor-input').value.trim() !== term) return;
    renderSuggestions(term, data.actors.nodes);
  } catch (e) {
    if (e.name !== 'AbortError') renderSuggestions(term, []);
  } finally {
    if (suggestAbort === ctrl) setLoading(list, false);
  }
}, 200);

function bindActorInput() {
  const input = $('#actor-input');
  input.addEventListener('input', () => {
    const term = input.value.trim();
    if (!term) { closeSuggestions(); return; }
    fetchSuggestions(term);
  });
  input.addEventListener('keydown', (e) => {
    const n = suggestions.length;
    if (e.key === 'ArrowDown' && n) { e.preventDefault(); highlight((active + 1) % n); }
    else if (e.key === 'ArrowUp' && n) { e.preventDefault(); highlight((active - 1 + n) % n); }
    else if (e.key === 'Enter') {
      e.preventDefault();
      if (n && active >= 0) pickSuggestion(active);
      else if (input.value.trim()) {
        const term = input.value.trim();
        input.value = '';
        closeSuggestions();
        addActor({ key: term, name: term, nameAr: term });
      }
    } else if (e.key === 'Escape' && !$('#actor-suggestions').hidden) {
      e.preventDefault(); e.stopPropagation(); closeSuggestions();
    } else if (e.key === 'Backspace' && !input.value && state.actors.length) {
      removeActor(state.actors[state.actors.length - 1].key);
    }
  });
  input.addEventListener('blur', () => setTimeout(closeSuggestions, 150));
}

async function resolveActorNames() {
  const ids = state.actors.filter((a) => isId(a.key) && !a.name);
  if (!ids.length) return;
  try {
    const data = await gql(actorsByIdQuery(ids.map((a) => a.key)));
    ids.forEach((a, i) => {
      const r = data[`a${i}`];
      if (r) { a.name = r.name; a.nameAr = r.nameAr; }
    });
  } catch { /* chips keep showing the id */ }
  renderChips();
}

// ---------------------------------------------------------------- loading

function windowDays() {
  const lo = state.from ? parseIso(state.from) : (view.extent ? view.extent[0] : NaN);
  const hi = state.to ? parseIso(state.to) : (view.extent ? view.extent[1] : NaN);
  return [lo, hi];
}

async function loadHistogram(gen) {
  const svg = $('#histogram');
  setLoading(svg, true);
  const f = toFilter(state);
  try {
    let bucket = state.from && state.to ? chooseBucket(parseIso(state.from), parseIso(state.to)) : 'YEAR';
    let buckets = (await gql(TIMELINE_QUERY, { f, bucket })).timeline;
    if (gen !== view.gen) return;
    if (bucket === 'YEAR' && buckets.length) {
      const lo = state.from ? parseIso(state.from) : parseIso(buckets[0].start);
      const hi = state.to ? parseIso(state.to) : parseIso(buckets[buckets.length - 1].end);
      const finer = chooseBucket(lo, hi);
      if (finer !== 'YEAR') {
        bucket = finer;
        buckets = (await gql(TIMELINE_QUERY, { f, bucket })).timeline;
        if (gen !== view.gen) return;
      }
    }
    view.buckets = buckets;
    view.bucket = bucket;
    if (buckets.length) {
      view.extent = [
        state.from ? parseIso(state.from) : parseIso(buckets[0].start),
        state.to ? parseIso(state.to) : parseIso(buckets[buckets.length - 1].end),
      ];
    } else {
      view.extent = state.from && state.to ? [parseIso(state.from), parseIso(state.to)] : null;
    }
    view.histError = null;
  } catch (e) {
    if (gen !== view.gen) return;
    view.buckets = [];
    view.histError = e.message;
  } finally {
    if (gen === view.gen) setLoading(svg, false);
  }
}

async function loadEvents(gen, { reset, keep }) {
  const list = $('#events');
  setLoading(list, true);
  const first = keep ? Math.min(500, Math.max(PAGE, view.events.length)) : PAGE;
  try {
    const data = await gql(EVENTS_QUERY, {
      f: toFilter(state), first, after: reset ? null : view.cursor, lang: state.lang,
    });
    if (gen !== view.gen) return;
    const conn = data.events;
    view.events = reset ? conn.nodes : view.events.concat(conn.nodes);
    view.cursor = conn.pageInfo.endCursor;
    view.hasNext = conn.pageInfo.hasNextPage;
    view.total = conn.totalCount;
    view.listError = null;
  } catch (e) {
    if (gen !== view.gen) return;
    if (reset) view.events = [];
    view.listError = e.message;
  } finally {
    if (gen === view.gen) setLoading(list, false);
  }
}

/** Reloads histogram and list for the current filters. keep: as many events as shown now. */
async function refresh({ reset = true, keep = false } = {}) {
  const gen = ++view.gen;
  busy(1);
  try {
    await Promise.all([loadHistogram(gen), loadEvents(gen, { reset: true, keep: keep || !reset })]);
    if (gen !== view.gen) return;
    widenExtent();
    renderHistogram();
    renderEvents();
    renderSummary();
  } finally {
    busy(-1);
    if (gen === view.gen && !view.ready) {
      view.ready = true;
      document.body.dataset.ready = '1';
      // For benches/page.rs: when the first render was complete.
      performance.mark('tarikh-ready');
    }
  }
}

async function loadMore() {
  const btn = $('#load-more');
  btn.disabled = true;
  const gen = view.gen;
  busy(1);
  const before = view.events.length;
  try {
    await loadEvents(gen, { reset: false });
    if (gen !== view.gen) return;
    widenExtent();
    renderHistogram();
    renderEvents();
    renderSummary();
    const next = $('#events').children[before];
    if (next) next.focus();
  } finally {
    busy(-1);
    btn.disabled = false;
  }
}

// ---------------------------------------------------------------- rendering

/** Without a chosen window, the axis covers the loaded events' whole intervals too. */
function widenExtent() {
  if (!view.events.length || (state.from && state.to)) return;
  const lo = Math.min(...view.events.map((e) => parseIso(e.date.start)));
  const hi = Math.max(...view.events.map((e) => parseIso(e.date.end)));
  const [a, b] = view.extent || [lo, hi];
  view.extent = [state.from ? a : Math.min(a, lo), state.to ? b : Math.max(b, hi)];
}

function renderHistogram() {
  const svg = $('#histogram');
  const empty = $('#histogram-empty');
  const [lo, hi] = windowDays();
  const hasBars = view.buckets.some((b) => b.count > 0);
  empty.hidden = hasBars;
  empty.textContent = view.histError ? t('error', { message: view.histError }) : t('histogramEmpty');
  svg.classList.toggle('is-empty', !hasBars);
  if (Number.isNaN(lo) || Number.isNaN(hi)) { svg.replaceChildren(); return; }
  drawHistogram(svg, view.buckets, {
    lo, hi, rtl: state.lang === 'ar',
    onZoom: (a, b) => {
      zoomStack.push({ from: state.from, to: state.to });
      setWindow(iso(a), iso(b));
    },
  });
  const desc = document.createElementNS('http://www.w3.org/2000/svg', 'desc');
  desc.id = 'histogram-desc';
  const count = view.buckets.reduce((n, b) => n + b.count, 0);
  desc.textContent = t('histogramLabel', {
    count, from: windowLabel(lo), to: windowLabel(hi), bucket: t(`bucket_${view.bucket || 'YEAR'}`),
  });
  svg.prepend(desc);
  $('#reset-zoom').disabled = !(zoomStack.length || state.from || state.to);
}

function renderSummary() {
  const [lo, hi] = windowDays();
  const parts = [countPhrase(view.total, 'countOne', 'count')];
  if (!Number.isNaN(lo) && !Number.isNaN(hi)) parts.push(t('window', { from: windowLabel(lo), to: windowLabel(hi) }));
  else if (!state.from && !state.to) parts.push(t('wholeRange'));
  if (view.events.length < view.total) parts.push(t('shown', { shown: view.events.length }));
  $('#summary').replaceChildren(...parts.flatMap((x, i) => [i ? ' · ' : '', h('bdi', { text: x })]));
}

function actorLine(ev) {
  const agents = ev.actors.filter((a) => a.role === 'AGENT').map((a) => actorName(a.actor));
  const targets = ev.actors.filter((a) => a.role === 'TARGET').map((a) => actorName(a.actor));
  const others = ev.actors.filter((a) => a.role === 'MENTIONED').map((a) => actorName(a.actor));
  const arrow = state.lang === 'ar' ? ' ← ' : ' → ';
  const sep = state.lang === 'ar' ? '، ' : ', ';
  let s = agents.join(sep);
  if (targets.length) s += (s ? arrow : '') + targets.join(sep);
  if (others.length) s += (s ? ' · ' : '') + others.join(sep);
  return s;
}

function dateBadges(date) {
  const out = [];
  if (date.precision !== 'DAY') out.push(h('span', { class: 'badge precision', text: t('precision', { p: precisionName(date.precision) }) }));
  return out;
}

function eventItem(ev) {
  const li = h('li', {
    class: `event${view.fresh.has(ev.id) ? ' fresh' : ''}${state.event === ev.id ? ' open' : ''}`,
    'data-id': ev.id, tabindex: '0', 'aria-haspopup': 'dialog',
    'aria-label': `${ev.date.label} — ${ev.title}`,
  },
  h('div', { class: 'ev-when' }, h('time', { class: `ev-date${ev.date.approximate ? ' approx' : ''}`, datetime: ev.date.start, title: ev.date.approximate ? t('approximateTitle') : null, text: ev.date.label }), ...dateBadges(ev.date)),
  h('div', { class: 'ev-title', dir: 'auto', text: ev.title }),
  h('div', { class: 'ev-meta' },
    h('span', { class: `kind k-${ev.kind}`, text: kindName(ev.kind) }),
    actorLine(ev) ? h('span', { class: 'ev-actors', text: actorLine(ev) }) : null,
    ev.sourceCount ? h('span', { class: 'ev-sources', text: countPhrase(ev.sourceCount, 'sourcesOne', 'sourcesCount') }) : null),
  h('div', { class: 'track', 'aria-hidden': 'true' }));
  return li;
}

function renderEvents() {
  const list = $('#events');
  const status = $('#events-status');
  const focusedId = document.activeElement && document.activeElement.closest && document.activeElement.closest('.event')?.dataset.id;
  list.replaceChildren(...view.events.map(eventItem));
  layoutTracks();
  status.replaceChildren();
  if (view.listError) {
    status.append(h('p', { class: 'error-text', text: t('error', { message: view.listError }) }),
      h('button', { type: 'button', class: 'btn small', onclick: () => refresh(), text: t('retry') }));
  } else if (!view.events.length) {
    status.append(h('p', { class: 'empty', text: t('noEvents') }));
  }
  $('#load-more').hidden = !view.hasNext;
  if (focusedId) list.querySelector(`.event[data-id="${CSS.escape(focusedId)}"]`)?.focus();
  if (view.fresh.size) setTimeout(() => { view.fresh.clear(); for (const e of list.querySelectorAll('.fresh')) e.classList.remove('fresh'); }, 4000);
}

function layoutTracks() {
  let [lo, hi] = windowDays();
  if (Number.isNaN(lo) || Number.isNaN(hi)) {
    if (!view.events.length) return;
    lo = Math.min(...view.events.map((e) => parseIso(e.date.start)));
    hi = Math.max(...view.events.map((e) => parseIso(e.date.end)));
  }
  const byId = new Map(view.events.map((e) => [e.id, e]));
  for (const li of $('#events').children) {
    const ev = byId.get(li.dataset.id);
    if (ev) layoutTrack(li.querySelector('.track'), ev.date, lo, hi);
  }
}

// ---------------------------------------------------------------- detail panel

let detailReturn = null;
let detailGen = 0;

function bindList() {
  const list = $('#events');
  list.addEventListener('click', (e) => {
    const li = e.target.closest('.event');
    if (li) openDetail(li.dataset.id, li);
  });
  list.addEventListener('keydown', (e) => {
    const li = e.target.closest('.event');
    if (!li || e.target !== li) return;
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); openDetail(li.dataset.id, li); }
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      (e.key === 'ArrowDown' ? li.nextElementSibling : li.previousElementSibling)?.focus();
    }
  });
  $('#load-more').addEventListener('click', loadMore);
  $('#detail-close').addEventListener('click', closeDetail);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('#detail').hidden) { e.preventDefault(); closeDetail(); }
  });
}

function closeDetail() {
  const panel = $('#detail');
  if (panel.hidden) return;
  panel.hidden = true;
  document.body.classList.remove('detail-open');
  const id = state.event;
  state.event = null;
  writeUrl();
  for (const e of document.querySelectorAll('.event.open')) e.classList.remove('open');
  const back = detailReturn && document.contains(detailReturn) ? detailReturn
    : (id && $(`#events .event[data-id="${CSS.escape(id)}"]`));
  if (back) back.focus();
  detailReturn = null;
}

async function openDetail(id, from, { quiet = false } = {}) {
  const panel = $('#detail');
  const body = $('#detail-body');
  if (from) detailReturn = from;
  state.event = String(id);
  writeUrl();
  for (const e of document.querySelectorAll('.event')) e.classList.toggle('open', e.dataset.id === state.event);
  panel.hidden = false;
  panel.dataset.id = state.event;
  document.body.classList.add('detail-open');
  const gen = ++detailGen;
  setLoading(panel, true);
  if (!quiet) {
    body.replaceChildren(h('p', { class: 'status', text: t('loading') }));
    $('#detail-title').textContent = t('detail');
    $('#detail-title').removeAttribute('dir');
    $('#detail-title').focus();
  }
  try {
    const data = await gql(EVENT_QUERY, { id: state.event, lang: state.lang });
    if (gen !== detailGen) return;
    if (!data.event) {
      body.replaceChildren(h('p', { class: 'empty', text: t('notFound') }));
    } else {
      renderDetail(data.event);
    }
  } catch (e) {
    if (gen !== detailGen) return;
    body.replaceChildren(h('p', { class: 'error-text', text: t('error', { message: e.message }) }));
  } finally {
    if (gen === detailGen) setLoading(panel, false);
  }
}

function renderDetail(ev) {
  $('#detail-title').textContent = ev.title;
  $('#detail-title').dir = 'auto';
  const body = $('#detail-body');
  const places = ev.places.filter((p) => p.place);
  const dl = h('dl', { class: 'facts' },
    h('dt', { text: t('when') }),
    h('dd', {}, h('time', { class: ev.date.approximate ? 'approx' : null, title: ev.date.approximate ? t('approximateTitle') : null, datetime: ev.date.start, text: ev.date.label }), ' ', ...dateBadges(ev.date),
      h('span', { class: 'edtf', dir: 'ltr', text: ev.date.edtf })),
    h('dt', { text: t('kind') }), h('dd', {}, h('span', { class: `kind k-${ev.kind}`, text: kindName(ev.kind) })),
    h('dt', { text: t('status') }), h('dd', { text: statusName(ev.status) }),
    h('dt', { text: t('confidence') }), h('dd', { text: `${Math.round(ev.confidence * 100)}%` }),
    places.length ? h('dt', { text: t('where') }) : null,
    places.length ? h('dd', { class: 'places' }, ...places.flatMap((p, i) => [i ? ' · ' : null,
      placeRoleName(p.role) ? `${placeRoleName(p.role)} ` : null,
      h('bdi', { class: `place pk-${p.place.kind}`, 'data-id': p.place.id, text: actorName(p.place) }),
      h('span', { class: 'cc', dir: 'ltr', text: ` (${p.place.countryCode || '—'})` })].filter(Boolean))) : null,
    ev.quantities.length ? h('dt', { text: t('amount') }) : null,
    ev.quantities.length ? h('dd', { text: ev.quantities.map((q) => `${q.qualifier ? `${qualifierName(q.qualifier)} ` : ''}${q.value.toLocaleString(locale())} ${q.unit}`).join(' · ') }) : null);

  const actors = h('section', { class: 'd-actors' }, h('h3', { text: t('actorsHeading') }));
  if (ev.actors.length) {
    actors.append(h('ul', { class: 'actor-list' }, ev.actors.map((a) => h('li', { 'data-id': a.actor.id },
      h('span', { class: 'actor-name', text: actorName(a.actor) }),
      (state.lang === 'ar' ? a.actor.name : a.actor.nameAr) ? h('span', { class: 'actor-other', text: state.lang === 'ar' ? a.actor.name : a.actor.nameAr }) : null,
      h('span', { class: `role r-${a.role}`, text: roleName(a.role) }),
      a.actor.wikidata && /^Q\d+$/.test(a.actor.wikidata)
        ? h('a', { class: 'wikidata', href: `https://www.wikidata.org/wiki/${a.actor.wikidata}`, target: '_blank', rel: 'noopener noreferrer', text: t('wikidata', { id: a.actor.wikidata }) })
        : null))));
  } else actors.append(h('p', { class: 'empty', text: t('noActors') }));

  const sources = h('section', { class: 'd-sources' }, h('h3', { text: `${t('sources')} (${ev.mentions.length})` }));
  if (ev.mentions.length) {
    sources.append(h('p', { class: 'hint legend' }, t('highlightKey'), ' ',
      h('mark', { class: 'when', text: t('whenMark') }), ' ', h('mark', { class: 'what', text: t('whatMark') })));
    const mentions = [...ev.mentions].sort((a, b) => String(a.article.publishedOn).localeCompare(String(b.article.publishedOn)));
    sources.append(h('ol', { class: 'source-list' }, mentions.map((m) => sourceItem(m, ev))));
  } else sources.append(h('p', { class: 'empty', text: t('noSources') }));

  const revs = h('section', { class: 'd-revisions' }, h('h3', { text: t('revisions') }));
  if (ev.revisions.length) {
    revs.append(h('ol', { class: 'revision-list' }, ev.revisions.map((r) => h('li', {},
      h('span', { class: 'rev-action', text: actionName(r.action) }), ' ',
      h('span', { class: 'rev-by' }, t('by', { who: '' }).trim(), ' ', h('bdi', { text: r.by })), ' · ',
      h('time', { datetime: r.at, text: fmtTime(r.at) }),
      r.note ? h('p', { class: 'rev-note', dir: 'auto', text: r.note }) : null))));
  } else revs.append(h('p', { class: 'empty', text: t('noRevisions') }));

  const summary = ev.summary ? [h('p', { class: 'summary-text', dir: 'auto', text: ev.summary })] : [];
  body.replaceChildren(...summary, dl, actors, sources, revs);
}

function sourceItem(m, ev) {
  const a = m.article;
  const lang = a.language === 'ar' || a.language === 'en' ? a.language : null;
  const head = h('div', { class: 'source-head' },
    h('span', { class: 'outlet', text: a.outlet || t('unknownOutlet') }),
    h('time', { datetime: a.publishedOn, text: t('published', { date: fmtDay(a.publishedOn) }) }));
  const titleText = a.title || t('untitled');
  const link = a.url && /^https?:\/\//i.test(a.url)
    ? h('a', { class: 'article-link', href: a.url, target: '_blank', rel: 'noopener noreferrer', lang, dir: 'auto', text: titleText })
    : h('span', { class: 'article-title', lang, dir: 'auto', text: titleText });
  return h('li', { class: 'source', 'data-mention': m.id }, head, link,
    h('blockquote', { class: 'sentence', lang, dir: 'auto' }, markSentence(m, ev)));
}

// Words that carry no meaning of their own, left unhighlighted.
const STOP = new Set(('the a an of in on at to for and or by with from into is are was were be been its it his her their '
  + 'as after before over under than that this these those has have had not no new says said '
  + 'في من على الي عن مع ان هذا هذه ذلك التي الذي الذين بعد قبل كان كانت و او ما لا قد').split(' '));
// Arabic clitics a trigger may carry, as the extractor strips them (longest first).
const CLITICS = ['فبال', 'وبال', 'ولل', 'فلل', 'وال', 'بال', 'فال', 'كال', 'لل', 'ال', 'وب', 'ول', 'فب', 'فل', 'وك', 'و', 'ف', 'ب', 'ل', 'ك'];
const triggerSets = {};

/** A word as the extractor normalizes it: lower case, أ إ آ → ا, ى → ي, ة → ه, no diacritics. */
function normWord(w) {
  return w.toLowerCase().normalize('NFKC')
    .replace(/[\u064B-\u065F\u0670\u0640]/g, '')
    .replace(/[أإآٱ]/g, 'ا').replace(/ى/g, 'ي').replace(/ة/g, 'ه');
}

/** Does the normalized word `w` match a word of `set`, whole or without its clitics? */
function inSet(set, w) {
  if (set.has(w)) return true;
  for (const c of CLITICS) if (w.startsWith(c) && w.length - c.length >= 2 && set.has(w.slice(c.length))) return true;
  return false;
}

function triggersOf(kind) {
  triggerSets[kind] ||= new Set((TRIGGERS[kind] || '').split(' ').filter(Boolean));
  return triggerSets[kind];
}

/** Code-point ranges [start, end) of the words of `chars`. */
function wordRanges(chars) {
  const out = [];
  let start = -1;
  for (let i = 0; i <= chars.length; i += 1) {
    const isWord = i < chars.length && /[\p{L}\p{N}\p{M}]/u.test(chars[i]);
    if (isWord && start < 0) start = i;
    else if (!isWord && start >= 0) { out.push([start, i]); start = -1; }
  }
  return out;
}

/**
 * The sentence with <mark class="when"> over the temporal expression (from
 * whenSpan, in code points of the article body, made relative to the
 * sentence's span) and <mark class="what"> over the event's words (the schema
 * has no span for them, so they are found again: see below).
 */
function markSentence(m, ev) {
  const chars = Array.from(m.sentence);
  const cls = new Array(chars.length).fill('');
  const base = Array.isArray(m.span) ? m.span[0] : 0;
  let ws = -1;
  let we = -1;
  if (Array.isArray(m.whenSpan) && m.whenSpan.length === 2) {
    ws = m.whenSpan[0] - base;
    we = m.whenSpan[1] - base;
  }
  if ((ws < 0 || we > chars.length || we <= ws) && m.whenText) {
    // Fall back to finding the expression in the sentence, counting code points.
    const at = m.sentence.indexOf(m.whenText);
    if (at >= 0) { ws = Array.from(m.sentence.slice(0, at)).length; we = ws + Array.from(m.whenText).length; }
  }
  // The event's words: the extractor's trigger words of its kind; failing
  // those, the words the sentence shares with a title people wrote.
  const words = wordRanges(chars).map(([s, e]) => [s, e, normWord(chars.slice(s, e).join(''))]);
  const triggers = triggersOf(ev.kind);
  let hits = words.filter(([, , w]) => inSet(triggers, w));
  const title = ev.title.replace(/…$/, '').trim();
  if (!hits.length && !m.sentence.includes(title)) {
    const titleChars = Array.from(title);
    const keys = new Set(wordRanges(titleChars).map(([s, e]) => normWord(titleChars.slice(s, e).join('')))
      .filter((w) => Array.from(w).length >= 3 && !STOP.has(w)));
    hits = words.filter(([, , w]) => !STOP.has(w) && Array.from(w).length >= 3 && inSet(keys, w));
  }
  for (const [s, e] of hits) for (let i = s; i < e; i += 1) cls[i] = 'what';
  if (ws >= 0 && we > ws) for (let i = Math.max(0, ws); i < Math.min(chars.length, we); i += 1) cls[i] = 'when';
  const frag = document.createDocumentFragment();
  let i = 0;
  while (i < chars.length) {
    let j = i;
    while (j < chars.length && cls[j] === cls[i]) j += 1;
    // Keep the spaces between two highlighted words inside one mark.
    if (cls[i] === 'what') {
      let k = j;
      while (k < chars.length && /\s/u.test(chars[k])) k += 1;
      if (k > j && k < chars.length && cls[k] === 'what') {
        for (let x = j; x < k; x += 1) cls[x] = 'what';
        continue;
      }
    }
    const text = chars.slice(i, j).join('');
    frag.append(cls[i] ? h('mark', { class: cls[i], text }) : document.createTextNode(text));
    i = j;
  }
  return frag;
}

// ---------------------------------------------------------------- live updates

let live = null;
let liveState = 'connecting';
const pending = { CREATED: 0, UPDATED: 0, DELETED: 0, MERGED: 0, ids: new Map() };
let flushTimer = null;

function setLiveStatus(s) {
  liveState = s;
  const el = $('#live-status');
  el.dataset.state = s;
  el.title = s === 'open' ? t('liveOn') : (s === 'closed' ? t('liveOff') : t('liveConnecting'));
  el.setAttribute('aria-label', el.title);
}

function subscribeLive() {
  if (live) live.setVariables({ f: toFilter(state) });
}

function onChange(data) {
  const c = data && data.eventChanges;
  if (!c) return;
  pending[c.change] = (pending[c.change] || 0) + 1;
  pending.ids.set(String(c.eventId), c);
  clearTimeout(flushTimer);
  flushTimer = setTimeout(flushChanges, 600);
}

async function flushChanges() {
  const parts = [];
  if (pending.CREATED) parts.push(t('liveNew', { n: pending.CREATED }));
  if (pending.UPDATED) parts.push(t('liveChanged', { n: pending.UPDATED }));
  if (pending.DELETED + pending.MERGED) parts.push(t('liveRemoved', { n: pending.DELETED + pending.MERGED }));
  const changes = new Map(pending.ids);
  Object.assign(pending, { CREATED: 0, UPDATED: 0, DELETED: 0, MERGED: 0 });
  pending.ids.clear();
  if (!parts.length) return;
  const note = $('#live-note');
  note.textContent = t('liveArrived', { what: parts.join(state.lang === 'ar' ? '، ' : ', ') });
  note.dataset.count = String(changes.size);
  note.classList.add('show');
  clearTimeout(note._hide);
  note._hide = setTimeout(() => note.classList.remove('show'), 8000);
  for (const [id, c] of changes) if (c.change === 'CREATED' || c.change === 'UPDATED') view.fresh.add(id);
  refresh({ reset: false, keep: true });
  const open = state.event && changes.get(state.event);
  if (open) {
    if (open.change === 'MERGED' && open.mergedInto) openDetail(open.mergedInto, null, { quiet: true });
    else if (open.change === 'DELETED') $('#detail-body').prepend(h('p', { class: 'error-text', text: t('eventGone') }));
    else openDetail(state.event, null, { quiet: true });
  }
}

function startLive() {
  if (!('WebSocket' in window)) { setLiveStatus('closed'); return; }
  live = createLive({
    query: CHANGES_SUBSCRIPTION,
    onData: onChange,
    onStatus: setLiveStatus,
    onResync: () => refresh({ reset: false, keep: true }),
  });
  subscribeLive();
}

// ---------------------------------------------------------------- start

function bindLang() {
  $('#lang-toggle').addEventListener('click', () => {
    state.lang = state.lang === 'ar' ? 'en' : 'ar';
    applyLang();
    writeUrl();
    refresh({ reset: false, keep: true });
    if (state.event && !$('#detail').hidden) openDetail(state.event, null, { quiet: true });
  });
}

function init() {
  readUrl();
  buildKinds();
  applyLang();
  syncControls();
  bindFilters();
  bindActorInput();
  bindList();
  bindLang();
  writeUrl();
  resolveActorNames();
  refresh({ reset: true });
  if (state.event) openDetail(state.event);
  startLive();
  let lastWidth = 0;
  const ro = new ResizeObserver(debounce(() => {
    const w = $('#histogram').getBoundingClientRect().width;
    if (Math.abs(w - lastWidth) > 2 && view.ready) renderHistogram();
    lastWidth = w;
  }, 120));
  ro.observe($('#histogram'));
}

init();
