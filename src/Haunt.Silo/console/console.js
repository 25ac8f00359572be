// The sync console: reads /api/sync/* of the silo that served it every 2 s, and follows its region's change feed
// (/api/changes, long-polled). Plain module, no framework, no CDN.
const WINDOW_MS = 10 * 60 * 1000;
const CHANGES_SHOWN = 30;
const state = { token: sessionStorage.getItem('haunt-token'), lag: {}, writes: {}, rate: {}, since: {}, conflicts: [], selected: null, overview: null, entities: null,
  changes: [], feedToken: 'now' };

class AuthError extends Error {}

async function api(path, options = {}) {
  const headers = { Accept: 'application/json', ...(state.token ? { Authorization: `Bearer ${state.token}` } : {}) };
  const response = await fetch(path, { credentials: 'same-origin', ...options, headers });
  if (response.status === 401 || response.status === 403) {
    showSignIn(response.status);
    throw new AuthError(String(response.status));
  }
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

function showSignIn(status) {
  document.getElementById('signin').hidden = false;
  document.getElementById('signin-why').firstChild.textContent = status === 403
    ? 'This token has no operator role; the console reads the operator\'s sync API. Paste a token with the operator role '
    : 'This console reads the operator\'s sync API. Paste a token with the operator role ';
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElementNS(tag === 'svg' || attributes.svg ? 'http://www.w3.org/2000/svg' : 'http://www.w3.org/1999/xhtml', tag);
  for (const [key, value] of Object.entries(attributes)) if (key !== 'svg' && value !== undefined) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

const fmt = (n, digits = 0) => Number(n).toLocaleString('en-US', { maximumFractionDigits: digits });
const bytes = (n) => (n >= 1 << 20 ? `${fmt(n / (1 << 20), 1)} MB` : n >= 1024 ? `${fmt(n / 1024, 1)} KB` : `${n} B`);
const clock = (ms) => new Date(ms).toLocaleTimeString('en-GB');

/** The regions on an ellipse in the map's 400×260 box, the first at the top, in rank order clockwise (2–16 fit). */
function positions(regions) {
  return Object.fromEntries(regions.map((r, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / regions.length;
    return [r, [200 + 150 * Math.cos(angle), 130 + 95 * Math.sin(angle)].map((v) => Math.round(v))];
  }));
}

function drawMap(regions, links) {
  const at = positions(regions);
  const radius = regions.length <= 6 ? 30 : 16;
  const linkGroup = document.getElementById('links');
  const list = document.getElementById('link-list');
  linkGroup.replaceChildren();
  list.replaceChildren();
  for (const link of links) {
    const key = `${link.a}-${link.b}`;
    if (state.since[key]?.state !== link.state) state.since[key] = { state: link.state, at: Date.now() };
    const since = link.unreachableSince ? Date.parse(link.unreachableSince) : state.since[key].at;
    const [x1, y1] = at[link.a];
    const [x2, y2] = at[link.b];
    linkGroup.append(el('line', { svg: true, x1, y1, x2, y2, 'data-link': key, 'data-state': link.state }));
    list.append(el('li', { 'data-link': key, 'data-state': link.state },
      `${link.a} ↔ ${link.b} `, el('span', { class: 'badge' }, link.state), el('span', { class: 'muted' }, ` since ${clock(since)}`)));
  }
  const nodes = document.getElementById('nodes');
  nodes.replaceChildren(...regions.map((r) => {
    const [x, y] = at[r];
    return el('g', { svg: true }, el('circle', { svg: true, cx: x, cy: y, r: radius }), el('text', { svg: true, x, y: y + 5 }, r));
  }));
}

function chart(points, now) {
  const max = Math.max(10, ...points.map((p) => p.p99));
  const line = (key) => points.map((p) => `${(300 * (1 - (now - p.at) / WINDOW_MS)).toFixed(1)},${(88 - 80 * p[key] / max).toFixed(1)}`).join(' ');
  return el('svg', { class: 'chart', viewBox: '0 0 300 90', preserveAspectRatio: 'none', 'aria-label': 'lag p50 and p99, last 10 minutes' },
    el('polyline', { svg: true, class: 'p50', points: line('p50') }), el('polyline', { svg: true, class: 'p99', points: line('p99') }),
    el('text', { svg: true, x: 4, y: 12, 'font-size': 10 }, `max ${fmt(max)} ms · p50 blue · p99 red · 10 min`));
}

/** Takes in one overview: writes per second from the change in each region's write count, and the lag history. */
function record(overview) {
  for (const r of overview.regions.filter((x) => x.reachable)) {
    const previous = state.writes[r.region];
    state.rate[r.region] = previous ? Math.max(0, (r.localWrites - previous.count) / Math.max(0.001, (overview.atMs - previous.at) / 1000)) : 0;
    state.writes[r.region] = { count: r.localWrites, at: overview.atMs };
    const lag = (state.lag[r.region] ??= []);
    lag.push({ at: overview.atMs, p50: r.lagP50Ms, p99: r.lagP99Ms });
    while (lag.length && lag[0].at < overview.atMs - WINDOW_MS) lag.shift();
  }
}

function drawRegions(overview) {
  const container = document.getElementById('regions');
  container.replaceChildren(...overview.regions.map((r) => {
    const figures = el('div', { class: 'figures' },
      ...[['entities', state.entities?.[r.region] ?? '…'], ['writes/s', fmt(state.rate[r.region] ?? 0, 1)], ['applied', fmt(r.changesApplied)],
        ['lag p50', `${fmt(r.lagP50Ms)} ms`], ['lag p99', `${fmt(r.lagP99Ms)} ms`], ['conflicts', fmt(r.conflicts)]]
        .map(([name, value]) => el('div', { 'data-figure': name }, el('b', {}, String(value)), name)));
    const peers = el('table', { class: 'peers' }, el('tr', {}, el('th', {}, 'to'), el('th', {}, 'backlog'), el('th', {}, 'bytes'), el('th', {}, 'link')),
      ...r.peers.map((p) => el('tr', {}, el('td', {}, p.peer), el('td', {}, fmt(p.backlogRows)), el('td', {}, bytes(p.backlogBytes)), el('td', {}, p.state))));
    return el('section', { class: 'region', 'data-region': r.region, 'data-reachable': String(r.reachable) },
      el('h2', {}, r.region, el('span', { class: 'muted' }, r.reachable ? (r.region === overview.answeredBy ? 'this region' : 'via peer link') : 'not reachable')),
      figures, feedConsumers(r.feed), peers, chart(state.lag[r.region] ?? [], overview.atMs));
  }));
}

/** The region's feed consumer groups: how many, how many stuck, how far behind the furthest is. */
function feedConsumers(feed) {
  if (!feed) return el('div', { class: 'feed muted' }, 'feed consumer groups: not reported');
  const behind = feed.groups ? `, furthest ${fmt(feed.maxBehindChanges)} changes / ${fmt(feed.maxBehindSeconds, 1)} s behind` : '';
  return el('div', { class: 'feed', 'data-groups': String(feed.groups), 'data-stuck': String(feed.stuck) },
    `feed consumer groups: ${fmt(feed.groups)}, stuck ${fmt(feed.stuck)}${behind}`);
}

/** Follows this region's feed from when the console opened: the newest changes first, CHANGES_SHOWN of them. */
async function followChanges() {
  for (;;) {
    try {
      const page = await api(`/api/changes?since=${encodeURIComponent(state.feedToken)}&limit=${CHANGES_SHOWN}&wait=10`);
      state.feedToken = page.next;
      state.changes.unshift(...page.changes.reverse());
      state.changes.splice(CHANGES_SHOWN);
      drawChanges(page.next.slice(0, page.next.lastIndexOf('.')));
    } catch (e) {
      // Signed out, a 410 after a long sleep, or the silo restarting: start again from now a little later.
      if (!(e instanceof AuthError) && /: 410$/.test(e.message)) state.feedToken = 'now';
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

function drawChanges(region) {
  document.getElementById('changes-where').textContent = `in ${region}'s commit order, newest first (the last ${CHANGES_SHOWN})`;
  document.querySelector('#changes tbody').replaceChildren(...state.changes.map((c) =>
    el('tr', { 'data-change': `${c.entityType}/${c.entityId}`, 'data-operation': c.operation },
      el('td', {}, clock(c.committedAtMs)), el('td', {}, c.entityType), el('td', {}, c.entityId), el('td', {}, c.operation), el('td', {}, c.origin))));
}

function drawConflicts(conflicts, region) {
  document.getElementById('conflicts-where').textContent = `logged in ${region} (the newest ${conflicts.length})`;
  const counts = {};
  for (const c of conflicts) counts[c.entityType] = (counts[c.entityType] ?? 0) + 1;
  document.getElementById('conflict-counts').replaceChildren(...Object.entries(counts).map(([type, n]) =>
    el('span', { class: 'badge', 'data-state': 'degraded', 'data-type': type }, `${type} ${n}`)));
  const body = document.querySelector('#conflicts tbody');
  body.replaceChildren(...conflicts.slice(-50).reverse().map((c) => {
    const row = el('tr', { 'data-conflict': c.entityId }, el('td', {}, clock(c.detectedAtMs)), el('td', {}, c.entityType), el('td', {}, c.entityId),
      el('td', {}, c.winner), el('td', {}, c.policy));
    row.addEventListener('click', () => { state.selected = c.id; showConflict(c); });
    return row;
  }));
  const selected = conflicts.find((c) => c.id === state.selected);
  if (selected) showConflict(selected);
}

function showConflict(c) {
  const pretty = (json) => {
    if (c.payloadsRedacted) return '(not shown: the entity states of a conflict need the auditor role as well)';
    try { return JSON.stringify(JSON.parse(json), null, 2); } catch { return json ?? '(deleted)'; }
  };
  const version = (title, region, vector, payload) => el('div', { class: `version${c.winner === region ? ' winner' : ''}`, 'data-version': title },
    el('b', {}, `${title}: ${region}${c.winner === region ? ' (winner)' : ''}`), el('div', { class: 'muted' }, `vector ${vector}`), el('pre', {}, pretty(payload)));
  const detail = document.getElementById('conflict-detail');
  detail.hidden = false;
  detail.replaceChildren(el('h2', {}, `${c.entityType} ${c.entityId}: ${c.policy}, ${c.winner} won`),
    el('div', { class: 'versions' }, version('local', c.localRegion, c.localVector, c.localPayload), version('remote', c.remoteRegion, c.remoteVector, c.remotePayload)));
}

async function refreshOverview() {
  const overview = await api('/api/sync/overview');
  if (!state.overview) await seedLag(overview.answeredBy, overview.atMs);
  state.overview = overview;
  record(overview);
  document.getElementById('answered').textContent = `answered by ${overview.answeredBy} at ${clock(overview.atMs)}`;
  drawMap(overview.regions.map((r) => r.region), overview.links);
  drawRegions(overview);
}

/** This region's lag over the last 10 minutes from its node_metrics rows (one each 10 s), so the chart has a past. */
async function seedLag(region, now) {
  const rows = await api(`/api/sync/metrics?since=${now - WINDOW_MS}`);
  state.lag[region] = rows.map((row) => ({ at: row.recordedAtMs, p50: row.metrics.lagP50Ms ?? 0, p99: row.metrics.lagP99Ms ?? 0 }));
}

async function refreshConvergence() {
  const convergence = await api('/api/sync/convergence');
  state.entities = convergence.entities;
  if (state.overview) drawRegions(state.overview);
  const node = document.getElementById('convergence');
  node.dataset.converged = String(convergence.converged);
  node.textContent = convergence.converged ? 'converged: yes, the three digests are equal'
    : `converged: no${convergence.differingTypes.length ? `, differing: ${convergence.differingTypes.join(', ')}` : ''}${convergence.unreachable.length ? `, not reachable: ${convergence.unreachable.join(', ')}` : ''}`;
}

async function refreshConflicts() {
  // Paged by id: only what is new since the last look, the newest 1,000 kept.
  const after = state.conflicts.length ? state.conflicts[state.conflicts.length - 1].id : 0;
  state.conflicts.push(...await api(`/api/sync/conflicts?limit=1000&after=${after}`));
  state.conflicts.splice(0, Math.max(0, state.conflicts.length - 1000));
  drawConflicts(state.conflicts, state.overview?.answeredBy ?? 'this region');
}

async function reconcile() {
  const started = await api('/api/sync/reconcile', { method: 'POST' });
  document.getElementById('reconcile-result').textContent = started.coalesced
    ? `round ${started.roundId} already started by ${started.region} with ${started.peers.join(', ')} (an operator's round starts at most every Haunt:Sync:MinReconcileInterval)`
    : `round ${started.roundId} started by ${started.region} with ${started.peers.join(', ')}`;
}

function every(ms, work) {
  const run = () => work().catch((e) => { if (!(e instanceof AuthError)) document.getElementById('answered').textContent = `last refresh failed: ${e.message}`; });
  run();
  return setInterval(run, ms);
}

function start() {
  document.getElementById('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.token = document.getElementById('token').value.trim();
    sessionStorage.setItem('haunt-token', state.token);
    document.getElementById('signin').hidden = true;
  });
  document.getElementById('reconcile').addEventListener('click', () => reconcile().catch(() => {}));
  every(2000, refreshOverview);
  every(5000, refreshConvergence);
  every(3000, refreshConflicts);
  followChanges();
}

start();
