import { api, h, time, badge, table, filterForm, pager, withQuery, follow, throttle, describe, dialog, notify, fill } from '/ui/app.js';

const STATUSES = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED'];
const KEYS = ['status', 'flow', 'flowVersion', 'from', 'to', 'q'];

/** datetime-local (viewer's zone) -> ISO instant; an ISO instant passes through. */
function toInstant(v) {
  if (!v) return '';
  const d = new Date(v);
  return isNaN(d) ? v : d.toISOString();
}

/** ISO instant -> datetime-local value in the viewer's zone. */
function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return '';
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export async function list(ctx) {
  const values = Object.fromEntries(KEYS.concat('after').map(k => [k, ctx.query[k] || '']));
  const flows = await api('/api/flows').catch(() => []);
  const form = filterForm('/sagas', [
    { name: 'status', label: 'Status', options: STATUSES },
    { name: 'flow', label: 'Flow', options: flows.filter(f => f.kind === 'Saga').map(f => f.name) },
    { name: 'flowVersion', label: 'Version', type: 'number', size: 4 },
    { name: 'from', label: 'Created from', type: 'datetime-local', toQuery: toInstant },
    { name: 'to', label: 'to', type: 'datetime-local', toQuery: toInstant },
    { name: 'q', label: 'Search', placeholder: 'saga id, Idempotency-Key or key=value in the input', size: 34 },
  ], { ...values, from: toLocalInput(values.from), to: toLocalInput(values.to) });
  const results = h('div', { 'aria-live': 'polite' });
  const root = h('section', {}, h('h1', {}, 'Sagas'), form, results);
  const load = async () => {
    const started = performance.now();
    try {
      const page = await api(withQuery('/api/sagas', { ...values, limit: 50 }));
      if (!ctx.current()) return;
      fill(results,
        h('p', { class: 'muted' }, `${page.items.length} saga${page.items.length === 1 ? '' : 's'} on this page, newest first`
          + ` · read in ${Math.round(performance.now() - started)} ms`),
        table([
          { label: 'Saga', cell: r => h('a', { href: '/sagas/' + r.id, class: 'mono' }, r.id) },
          { label: 'Flow', cell: r => `${r.flow} v${r.flowVersion}` },
          { label: 'Status', cell: r => badge(r.status) },
          { label: 'Created', cell: r => time(r.createdAt) },
          { label: 'Last change', cell: r => time(r.updatedAt) },
        ], page.items, 'No saga matches these filters.'),
        pager('/sagas', values, page),
        bulk(values, page.items, ctx));
    } catch (e) {
      if (ctx.current()) fill(results, h('p', { class: 'error', role: 'alert' }, describe(e)));
    }
  };
  await load();
  if (!values.after) {   // the newest page follows changes (and re-reads on each (re)connection: nothing is missed)
    const reload = throttle(load, 2000);
    follow(ctx, '/api/changes', reload, { onOpen: reload });
  }
  return root;
}

/** Bulk retry of FAILED sagas by filter: count and sample first, typed confirmation, outcome followed on the page. */
function bulk(values, firstPage, ctx) {
  if (values.status !== 'FAILED' || !firstPage.length) return null;
  return h('div', { class: 'bulk' }, h('button', { type: 'button', onclick: () => bulkRetry(values, ctx) }, 'Retry all matching…'));
}

async function bulkRetry(values, ctx) {
  const ids = [];
  let after = '';
  do {   // every matching saga, up to 1,000
    const page = await api(withQuery('/api/sagas', { ...values, after, limit: 500 }));
    ids.push(...page.items.map(i => i.id));
    after = page.next || '';
  } while (after && ids.length < 1000);
  const phrase = `retry ${ids.length}`;
  const reason = h('textarea', { id: 'bulk-reason', required: true, rows: 2 });
  const typed = h('input', { id: 'bulk-confirm', autocomplete: 'off' });
  const error = h('p', { class: 'error', role: 'alert' });
  const d = dialog(`Retry ${ids.length} FAILED saga${ids.length === 1 ? '' : 's'}`,
    h('p', {}, `Each runs its failed compensations, cancels or confirms again (a new run, Idempotency-Key suffix :n). Sample:`),
    h('ul', {}, ids.slice(0, 5).map(id => h('li', { class: 'mono' }, id))),
    h('label', { for: 'bulk-reason' }, 'Reason (recorded on each saga)'), reason,
    h('label', { for: 'bulk-confirm' }, `Type “${phrase}” to confirm`), typed, error,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'quiet', onclick: () => d.close() }, 'Cancel'),
      h('button', { type: 'button', class: 'danger', onclick: async () => {
        if (!reason.value.trim()) { error.textContent = 'A reason is required.'; return; }
        if (typed.value.trim() !== phrase) { error.textContent = `Type “${phrase}” exactly.`; return; }
        d.close();
        await runBulk(ids, reason.value.trim(), ctx);
      } }, 'Retry them')));
}

const RESTING = ['COMPLETED', 'COMPENSATED', 'FAILED'];

/** Sends the retries one by one, then follows every saga's status live until each rests (or the page is left). */
async function runBulk(ids, reason, ctx) {
  const rows = ids.map(id => ({ id, outcome: 'pending' }));
  const box = h('section', { class: 'bulk-result', 'aria-live': 'polite', id: 'bulk-result' });
  const draw = () => {
    const byStatus = {};
    rows.forEach(r => { if (r.status) byStatus[r.status] = (byStatus[r.status] || 0) + 1; });
    fill(box, h('h2', {}, `Bulk retry: ${rows.filter(r => r.outcome !== 'pending').length} of ${rows.length} sent`),
      h('p', { class: 'summary' }, 'Now: ', Object.entries(byStatus).map(([k, n]) => `${n} ${k}`).join(', ') || '—'),
      table([{ label: 'Saga', cell: r => h('a', { href: '/sagas/' + r.id, class: 'mono' }, r.id) },
        { label: 'Outcome', cell: r => r.outcome }, { label: 'Status now', cell: r => r.status ? badge(r.status) : '' }], rows));
  };
  document.getElementById('page').prepend(box);
  draw();
  for (const r of rows) {
    try {
      const v = await api(`/api/sagas/${r.id}/retry`, { method: 'POST', body: { reason } });
      r.outcome = 'accepted';
      r.status = v.status;
    } catch (e) {
      r.outcome = describe(e);
    }
    draw();
  }
  notify(`Bulk retry sent: ${rows.filter(r => r.outcome === 'accepted').length} accepted, `
    + `${rows.filter(r => r.outcome !== 'accepted').length} refused. The table follows each saga until it rests.`);
  const refresh = async changed => {
    for (const r of rows.filter(x => x.outcome === 'accepted' && (!changed || changed.has(x.id)))) {
      try { r.status = (await api('/api/sagas/' + r.id)).status; } catch { /* the next notice retries */ }
    }
    draw();
  };
  await refresh(null);
  if (rows.every(r => r.outcome !== 'accepted' || RESTING.includes(r.status))) return;
  const settle = (changed, source) => refresh(changed).then(() => {
    if (rows.every(r => r.outcome !== 'accepted' || RESTING.includes(r.status))) source.close();
  });
  follow(ctx, '/api/changes', (notice, source) => settle(notice.sagas.length ? new Set(notice.sagas) : null, source),
    { onOpen: source => settle(null, source) });   // empty notice or a (re)connection: re-read everything
}
