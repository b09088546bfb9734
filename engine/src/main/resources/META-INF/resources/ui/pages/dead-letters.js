import { api, h, time, badge, json, facts, table, filterForm, pager, withQuery, describe, dialog, notify, navigate, may, getOne } from '/ui/app.js';

const SOURCES = ['REPLY', 'SAGA', 'MESSAGE', 'MESSAGE_DELIVERY', 'NOTIFICATION'];
const STATUSES = ['OPEN', 'REDRIVEN', 'RESOLVED'];

/** Where the thing a letter is about can be seen. */
function originLink(l) {
  if ((l.source === 'SAGA' || l.source === 'REPLY') && /^[0-9a-f-]{36}/.test(l.origin)) return h('a', { href: '/sagas/' + l.origin.slice(0, 36), class: 'mono' }, l.origin);
  if (l.source.startsWith('MESSAGE')) return h('a', { href: '/messages/' + l.origin, class: 'mono' }, l.origin);
  if (l.source === 'NOTIFICATION') return h('a', { href: '/notifications/' + l.origin, class: 'mono' }, l.origin);
  return h('span', { class: 'mono' }, l.origin);
}

export async function list(ctx) {
  const values = Object.fromEntries(['source', 'status', 'flow', 'reason', 'after'].map(k => [k, ctx.query[k] || '']));
  const page = await api(withQuery('/api/dead-letters', { ...values, limit: 50 }));
  const bulkBox = h('div', { class: 'bulk' });
  const filtered = values.source || values.flow || values.reason;
  if (await may('admin')) bulkBox.append(filtered
    ? h('button', { type: 'button', onclick: () => bulkRedrive(values) }, 'Redrive all OPEN matching…')
    : h('p', { class: 'muted' }, 'Bulk redrive needs a filter on source, flow or reason.'));
  return h('section', {}, h('h1', {}, 'Dead letters'),
    filterForm('/dead-letters', [
      { name: 'source', label: 'Source', options: SOURCES }, { name: 'status', label: 'Status', options: STATUSES },
      { name: 'flow', label: 'Flow' }, { name: 'reason', label: 'Reason' }], values),
    table([
      { label: 'Letter', cell: r => h('a', { href: '/dead-letters/' + r.id, class: 'mono' }, r.id.slice(0, 8)) },
      { label: 'Source', cell: r => r.source }, { label: 'Origin', cell: originLink },
      { label: 'Flow', cell: r => r.flow || '' }, { label: 'Reason', cell: r => r.reason },
      { label: 'Status', cell: r => badge(r.status) }, { label: 'Attempts', cell: r => r.attempts },
      { label: 'Created', cell: r => time(r.createdAt) }], page.items, 'No dead letter matches.'),
    pager('/dead-letters', values, page), bulkBox);
}

async function bulkRedrive(values) {
  const filter = { source: values.source, flow: values.flow, reason: values.reason };
  let count;
  try {
    count = await api(withQuery('/api/dead-letters/redrive', filter), { method: 'POST', body: {} });
  } catch (e) { notify(describe(e), 'error'); return; }
  const sample = await api(withQuery('/api/dead-letters', { ...filter, status: 'OPEN', limit: 5 }));
  const phrase = `redrive ${count.count}`;
  const typed = h('input', { id: 'bulk-confirm', autocomplete: 'off' });
  const error = h('p', { class: 'error', role: 'alert' });
  const d = dialog(`Redrive ${count.count} OPEN letter${count.count === 1 ? '' : 's'}`,
    h('p', {}, 'Each goes back to its source: a saga is retried, a notification resent, a message delivered again, a reply applied again. Sample:'),
    h('ul', {}, sample.items.map(l => h('li', {}, `${l.source} ${l.origin}: ${l.reason}`))),
    h('label', { for: 'bulk-confirm' }, `Type “${phrase}” to confirm`), typed, error,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'quiet', onclick: () => d.close() }, 'Cancel'),
      h('button', { type: 'button', class: 'danger', disabled: count.count === 0, onclick: async () => {
        if (typed.value.trim() !== phrase) { error.textContent = `Type “${phrase}” exactly; nothing was redriven.`; return; }
        try {
          const result = await api(withQuery('/api/dead-letters/redrive', { ...filter, confirm: true }), { method: 'POST', body: {} });
          d.close();
          const box = h('section', { class: 'bulk-result' }, h('h2', {}, `Redrove ${result.redriven.length}, ${result.refused.length} refused`),
            table([{ label: 'Letter', cell: id => h('a', { href: '/dead-letters/' + id, class: 'mono' }, id) }], result.redriven),
            result.refused.length ? table([{ label: 'Refused', cell: r => h('a', { href: '/dead-letters/' + r.id }, r.id) },
              { label: 'Why', cell: r => r.detail }], result.refused) : null,
            h('p', { class: 'muted' }, 'Each letter\'s page shows its redrive outcome (ACCEPTED, then SUCCEEDED or FAILED_AGAIN).'));
          document.getElementById('page').prepend(box);
        } catch (e) { error.textContent = describe(e); }
      } }, 'Redrive them')));
}

export async function one(ctx) {
  const id = ctx.params[0];
  const l = await getOne('/api/dead-letters/' + encodeURIComponent(id), 'Dead letter', '/dead-letters');
  let payloadText = l.payload || '';
  try { payloadText = JSON.stringify(JSON.parse(l.payload), null, 2); } catch { /* not JSON: as stored */ }
  const payload = h('textarea', { id: 'edit-payload', rows: 8, class: 'mono' }, payloadText);
  const headers = h('textarea', { id: 'edit-headers', rows: 4, class: 'mono' }, JSON.stringify(l.headers || {}, null, 2));
  const decision = h('select', { id: 'decision' }, h('option', { value: '' }, '(not an undecided message)'),
    h('option', { value: 'commit' }, 'commit'), h('option', { value: 'rollback' }, 'rollback'));
  const error = h('p', { class: 'error', role: 'alert' });
  const redrive = async edited => {
    const body = {};
    if (edited) {
      try {
        body.payload = JSON.parse(payload.value);
      } catch { body.payload = payload.value; }
      try { body.headers = JSON.parse(headers.value || '{}'); } catch { error.textContent = 'Headers must be a JSON object; nothing was redriven.'; return; }
    }
    if (decision.value) body.decision = decision.value;
    try {
      await api(`/api/dead-letters/${l.id}/redrive`, { method: 'POST', body });
      notify('Redrive accepted; its outcome appears below when the origin settles.');
      navigate(location.pathname, { replace: true });
    } catch (e) { error.textContent = describe(e) + ' Nothing was redriven.'; }
  };
  return h('section', {},
    h('p', { class: 'crumbs' }, h('a', { href: '/dead-letters' }, 'Dead letters'), ' / ', h('span', { class: 'mono' }, l.id)),
    h('h1', {}, `Dead letter `, badge(l.status)),
    facts([['Source', l.source], ['Origin', originLink(l)], ['Flow', l.flow || '—'], ['Reason', l.reason],
      ['Detail', l.detail], ['Attempts', l.attempts], ['Created', time(l.createdAt)], ['Last change', time(l.updatedAt)]]),
    h('h2', {}, 'Payload'), json(l.payload ? safeParse(l.payload) : null),
    h('h2', {}, 'Headers'), table([{ label: 'Header', cell: r => r[0] }, { label: 'Value', cell: r => h('span', { class: 'mono' }, r[1]) }],
      Object.entries(l.headers || {}), 'No headers.'),
    h('h2', {}, 'Redrives'),
    table([{ label: 'Requested', cell: r => time(r.requestedAt) }, { label: 'Outcome', cell: r => badge(r.outcome) },
      { label: 'Detail', cell: r => r.detail || '' }, { label: 'Settled', cell: r => time(r.settledAt) },
      { label: 'Request', cell: r => h('details', {}, h('summary', {}, 'body'), json(r.request)) }], l.redrives, 'Never redriven.'),
    l.status === 'OPEN' && await may('operator') ? h('div', { class: 'panel' }, h('h2', {}, 'Redrive'),
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => redrive(false) }, 'Redrive as it is')),
      h('details', {}, h('summary', {}, 'Edit and redrive (a reply: payload and headers as applied)'),
        h('label', { for: 'edit-payload' }, 'Payload'), payload, h('label', { for: 'edit-headers' }, 'Headers (JSON object)'), headers,
        h('label', { for: 'decision' }, 'Decision for an undecided message'), decision,
        h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => redrive(true) }, 'Redrive edited'))),
      error) : null);
}

function safeParse(text) {
  try { return JSON.parse(text); } catch { return text; }
}
