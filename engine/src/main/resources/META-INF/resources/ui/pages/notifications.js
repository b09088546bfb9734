import { api, h, time, badge, json, facts, table, filterForm, pager, withQuery, describe, notify, navigate, getOne } from '/ui/app.js';

export async function list(ctx) {
  const values = Object.fromEntries(['status', 'flow', 'after'].map(k => [k, ctx.query[k] || '']));
  const page = await api(withQuery('/api/notifications', { ...values, limit: 50 }));
  return h('section', {}, h('h1', {}, 'Notifications'),
    filterForm('/notifications', [{ name: 'status', label: 'Status', options: ['PENDING', 'DELIVERED', 'GAVE_UP'] },
      { name: 'flow', label: 'Flow' }], values),
    table([
      { label: 'Notification', cell: r => h('a', { href: '/notifications/' + r.id, class: 'mono' }, r.id) },
      { label: 'Flow', cell: r => `${r.flow} v${r.flowVersion}` }, { label: 'Status', cell: r => badge(r.status) },
      { label: 'Attempts', cell: r => r.attempts.length }, { label: 'Created', cell: r => time(r.createdAt) }],
    page.items, 'No notification matches.'),
    pager('/notifications', values, page));
}

export async function one(ctx) {
  const n = await getOne('/api/notifications/' + encodeURIComponent(ctx.params[0]), 'Notification', '/notifications');
  const error = h('p', { class: 'error', role: 'alert' });
  return h('section', {},
    h('p', { class: 'crumbs' }, h('a', { href: '/notifications' }, 'Notifications'), ' / ', h('span', { class: 'mono' }, n.id)),
    h('h1', {}, 'Notification ', badge(n.status)),
    facts([['Flow', `${n.flow} v${n.flowVersion}`], ['Created', time(n.createdAt)], ['Last change', time(n.updatedAt)],
      ['Next attempt', time(n.nextAttemptAt)]]),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: async () => {
      try {
        await api(`/api/notifications/${n.id}/resend`, { method: 'POST' });
        notify('Resend scheduled: a new attempt follows now.');
        navigate(location.pathname, { replace: true });
      } catch (e) { error.textContent = describe(e) + ' Nothing was changed.'; }
    } }, 'Resend')), error,
    h('h2', {}, 'Attempts'),
    table([{ label: '#', cell: a => a.attempt }, { label: 'Started', cell: a => time(a.startedAt) },
      { label: 'HTTP status', cell: a => a.httpStatus ?? '' }, { label: 'Latency', cell: a => a.latencyMs === null || a.latencyMs === undefined ? '' : `${a.latencyMs} ms` },
      { label: 'Error', cell: a => a.error || '' }], n.attempts, 'No attempt yet.'),
    h('h2', {}, 'Payload'), json(n.payload));
}
