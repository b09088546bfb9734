// The Sagaflow dashboard: a router over page modules. Every page reads and acts through the public REST API only
// (the same as curl and the CLI), so whatever guards the API guards the dashboard. No framework, no build step.

const ROUTES = [
  [/^\/$/, 'overview', 'overview'],
  [/^\/sagas$/, 'sagas', 'list'],
  [/^\/sagas\/([^/]+)$/, 'saga', 'one'],
  [/^\/dead-letters$/, 'dead-letters', 'list'],
  [/^\/dead-letters\/([^/]+)$/, 'dead-letters', 'one'],
  [/^\/messages$/, 'messages', 'list'],
  [/^\/messages\/([^/]+)$/, 'messages', 'one'],
  [/^\/notifications$/, 'notifications', 'list'],
  [/^\/notifications\/([^/]+)$/, 'notifications', 'one'],
  [/^\/cache-syncs$/, 'operations', 'cacheSyncs'],
  [/^\/nodes$/, 'operations', 'nodes'],
  [/^\/flows$/, 'flows', 'list'],
  [/^\/flows\/([^/]+)$/, 'flows', 'one'],
];

/** An API error: the HTTP status and the RFC 7807 problem the engine answered. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** A page's subject does not exist: the router says so, with the engine's message and a link to the list. */
export class NotFound extends Error {
  constructor(noun, list, error) {
    super(describe(error));
    this.noun = noun;
    this.list = list;
  }
}

/** GETs the one thing a page is about; an unknown id (404) becomes {@link NotFound}. */
export async function getOne(path, noun, list) {
  try {
    return await api(path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) throw new NotFound(noun, list, e);
    throw e;
  }
}

/** Calls the REST API; answers the parsed JSON (null for 204), throws ApiError with the problem otherwise. */
export async function api(path, { method = 'GET', body, type = 'application/json', headers = {} } = {}) {
  // The header proves to the engine that a change comes from a page of ours (CSRF), not from another site's form.
  const init = { method, headers: { Accept: 'application/json', 'X-Sagaflow-Request': 'dashboard', ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers['Content-Type'] = type;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, { title: 'The engine cannot be reached', detail: String(e) });
  }
  if (response.status === 401) {   // the login of the security issue plugs in here
    location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
    throw new ApiError(401, { title: 'Login needed' });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text }; }
  if (!response.ok) throw new ApiError(response.status, data || {});
  return data;
}

/** Builds an element: h('a', {href: '/x', class: 'c', onclick: fn}, 'text', child, [more]). Text is never parsed as HTML. */
export function h(tag, attrs = {}, ...children) {
  const el = tag === 'svg' || attrs.svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false || k === 'svg') continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' && 'value' in el) el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children (null, undefined and false are left out, arrays flattened). */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** An SVG element with attributes. */
export function s(tag, attrs = {}, ...children) {
  return h(tag, { ...attrs, svg: true }, ...children);
}

/** A time in the viewer's time zone; UTC on hover. */
export function time(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const d = new Date(iso);
  return h('time', { datetime: d.toISOString(), title: 'UTC ' + d.toISOString().replace('T', ' ').replace('Z', '') },
    d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }));
}

/** A duration in ms, short. */
export function duration(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A status as a badge. */
export function badge(status) {
  return h('span', { class: 'badge s-' + String(status || 'UNKNOWN').toLowerCase() }, status || '—');
}

/** Formatted JSON (or a dash). */
export function json(value) {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, '—');
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

/** A table: columns [{label, cell: row => node}], rows. */
export function table(columns, rows, empty = 'Nothing here.') {
  if (!rows.length) return h('p', { class: 'muted empty' }, empty);
  return h('div', { class: 'scroll' }, h('table', {},
    h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col' }, c.label)))),
    h('tbody', {}, rows.map(r => h('tr', {}, columns.map(c => h('td', { 'data-label': c.label }, c.cell(r))))))));
}

/** A definition list of [label, node] pairs. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(p => p).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/** The query string of the current URL as an object. */
export function query() {
  return Object.fromEntries(new URLSearchParams(location.search));
}

/** A path with the query (empty values left out). */
export function withQuery(path, values) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const text = q.toString();
  return text ? `${path}?${text}` : path;
}

let whoAmI = null;

/** The caller as the engine sees it ({name, roles}); asked once per page load. */
export function me() {
  whoAmI = whoAmI || api('/api/me').catch(() => ({ name: 'unknown', roles: [] }));
  return whoAmI;
}

/** Whether the caller holds a role that grants `role` (admin > operator > viewer), as the engine's table says. */
export async function may(role) {
  const { roles } = await me();
  const rank = { viewer: 1, operator: 2, admin: 3 };
  return roles.some(r => r === role || (rank[r] && rank[role] && rank[r] >= rank[role]));
}

/** Shows a message to the operator (kind: ok | error). */
export function notify(message, kind = 'ok') {
  const box = document.getElementById('notice');
  fill(box, h('div', { class: 'notice ' + kind }, message,
    h('button', { type: 'button', class: 'quiet', 'aria-label': 'Dismiss', onclick: () => box.replaceChildren() }, '×')));
}

/** The message of an error, problem details first. */
export function describe(error) {
  if (error instanceof ApiError) {
    const p = error.problem || {};
    return `${p.title || 'Error'}${p.detail ? ': ' + p.detail : ''}` + (error.status ? ` (HTTP ${error.status})` : '');
  }
  return String(error && error.message || error);
}

/** A filter form whose submit becomes a new URL (so back, reload and sharing keep the filter). */
export function filterForm(path, fields, values) {
  const form = h('form', { class: 'filters', role: 'search' });
  for (const f of fields) {
    const id = 'f-' + f.name;
    let control;
    if (f.options) {
      control = h('select', { id, name: f.name },
        h('option', { value: '' }, f.any || 'any'),
        f.options.map(o => h('option', { value: o, selected: values[f.name] === o }, o)));
    } else {
      control = h('input', { id, name: f.name, type: f.type || 'text', value: values[f.name] || '', placeholder: f.placeholder || '',
        size: f.size || undefined });
    }
    form.append(h('label', { for: id }, f.label, control));
  }
  form.append(h('button', { type: 'submit' }, 'Apply'), h('a', { href: path, class: 'button quiet' }, 'Clear'));
  form.addEventListener('submit', e => {
    e.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    for (const f of fields) if (f.toQuery) values[f.name] = f.toQuery(values[f.name]);
    navigate(withQuery(path, values));
  });
  return form;
}

/** "Newer" / "next page" links of a cursor-paged list. */
export function pager(path, values, page) {
  const links = [];
  if (values.after) links.push(h('a', { href: withQuery(path, { ...values, after: '' }), class: 'button quiet' }, '⟵ Newest'));
  if (page.next) links.push(h('a', { href: withQuery(path, { ...values, after: page.next }), class: 'button quiet', rel: 'next' }, 'Older ⟶'));
  return h('nav', { class: 'pager', 'aria-label': 'Pages' }, links);
}

/** Opens a dialog; answers a close function. */
export function dialog(title, ...body) {
  const d = h('dialog', { 'aria-labelledby': 'dlg-title' }, h('h2', { id: 'dlg-title' }, title), body);
  document.body.append(d);
  d.addEventListener('close', () => d.remove());
  d.showModal();
  return d;
}

/**
 * Follows a server-sent event stream until the page is left; onEvent gets each parsed event. onOpen runs on every
 * (re)connection: what changed while no stream was open was not announced, so a follower re-reads then.
 */
export function follow(ctx, url, onEvent, { name = 'message', onOpen } = {}) {
  const source = new EventSource(url);
  source.addEventListener(name, e => onEvent(JSON.parse(e.data), source));
  if (onOpen) source.addEventListener('open', () => onOpen(source));
  ctx.onLeave(() => source.close());
  return source;
}

/** Calls fn at most once per `ms` (the last call wins), for re-reading on change notices. */
export function throttle(fn, ms) {
  let timer = null;
  let pending = false;
  return () => {
    if (timer) { pending = true; return; }
    fn();
    timer = setTimeout(function tick() {
      timer = null;
      if (pending) { pending = false; fn(); timer = setTimeout(tick, ms); }
    }, ms);
  };
}

// ---- the router ----------------------------------------------------------------------------------------------------

let leaving = [];
let generation = 0;

/** Goes to a path of the dashboard (a new history entry). */
export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  render();
}

async function render() {
  leaving.forEach(fn => { try { fn(); } catch { /* a page's cleanup */ } });
  leaving = [];
  const mine = ++generation;
  const main = document.getElementById('page');
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const route = ROUTES.find(([re]) => re.test(path));
  document.querySelectorAll('header nav a').forEach(a => {
    const href = a.getAttribute('href');
    const current = href === '/' ? path === '/' : path === href || path.startsWith(href + '/');
    if (current) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  if (!route) {
    fill(main, h('h1', {}, 'Not found'), h('p', {}, `The dashboard has no page ${path}.`));
    return;
  }
  const params = path.match(route[0]).slice(1).map(decodeURIComponent);
  const ctx = {
    params, query: query(), main,
    onLeave: fn => leaving.push(fn),
    current: () => mine === generation,
  };
  try {
    const module = await import(`/ui/pages/${route[1]}.js`);
    if (!ctx.current()) return;
    const content = await module[route[2]](ctx);
    if (!ctx.current()) return;
    fill(main, content);
    document.title = (main.querySelector('h1')?.textContent || 'Dashboard') + ' · Sagaflow';
  } catch (e) {
    if (!ctx.current()) return;
    if (e instanceof NotFound) {
      fill(main, h('h1', {}, `${e.noun} not found`), h('p', { class: 'error', role: 'alert' }, e.message),
        h('p', {}, h('a', { href: e.list }, 'Back to the list')));
      return;
    }
    fill(main, h('h1', {}, e instanceof ApiError && e.status === 404 ? 'Not found' : 'Could not load this page'),
      h('p', { class: 'error', role: 'alert' }, describe(e)));
  }
}

document.addEventListener('click', e => {
  const a = e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || a.target) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/q/')
    || url.pathname.startsWith('/ui/') || a.hasAttribute('download')) return;
  e.preventDefault();
  if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search);
  document.getElementById('notice').replaceChildren();
});
window.addEventListener('popstate', render);
me().then(me => {
  const who = document.getElementById('who');
  if (!who || me.name === 'anonymous') return;
  fill(who, h('span', { class: 'muted', title: 'roles: ' + me.roles.join(', ') }, me.name),
    h('form', { method: 'post', action: '/logout' }, h('button', { type: 'submit', class: 'quiet' }, 'Log out')));
}).catch(() => { /* the page says what went wrong */ });
document.getElementById('theme').addEventListener('click', () => {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  document.documentElement.dataset.theme = next;
  localStorage.setItem('sagaflow.theme', next);
});
render();
