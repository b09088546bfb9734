import { api, h, time, badge, json, facts, table, filterForm, pager, withQuery, describe, notify, navigate, dialog, getOne } from '/ui/app.js';

const STATUSES = ['PREPARED', 'COMMITTED', 'DELIVERED', 'ROLLED_BACK', 'UNDECIDED'];

export async function list(ctx) {
  const values = Object.fromEntries(['status', 'flow', 'after'].map(k => [k, ctx.query[k] || '']));
  const page = await api(withQuery('/api/messages', { ...values, limit: 50 }));
  return h('section', {}, h('h1', {}, 'Messages'),
    filterForm('/messages', [{ name: 'status', label: 'Status', options: STATUSES }, { name: 'flow', label: 'Flow' }], values),
    table([
      { label: 'Message', cell: r => h('a', { href: '/messages/' + r.id, class: 'mono' }, r.id) },
      { label: 'Flow', cell: r => `${r.flow} v${r.flowVersion}` }, { label: 'Topic', cell: r => r.topic },
      { label: 'Status', cell: r => badge(r.status) }, { label: 'Check-backs', cell: r => r.checks },
      { label: 'Created', cell: r => time(r.createdAt) }], page.items, 'No message matches.'),
    pager('/messages', values, page));
}

export async function one(ctx) {
  const m = await getOne('/api/messages/' + encodeURIComponent(ctx.params[0]), 'Message', '/messages');
  const decide = decision => {
    const error = h('p', { class: 'error', role: 'alert' });
    const d = dialog(`${decision === 'commit' ? 'Commit' : 'Roll back'} this message?`,
      h('p', {}, decision === 'commit' ? `It will be delivered to ${m.topic} (key ${m.key}).` : 'It will never be delivered.'),
      error, h('div', { class: 'actions' }, h('button', { type: 'button', class: 'quiet', onclick: () => d.close() }, 'Cancel'),
        h('button', { type: 'button', class: decision === 'commit' ? '' : 'danger', onclick: async () => {
          try {
            await api(`/api/messages/${m.id}/${decision}`, { method: 'POST' });
            d.close();
            notify(`Message ${decision === 'commit' ? 'committed' : 'rolled back'}.`);
            navigate(location.pathname, { replace: true });
          } catch (e) { error.textContent = describe(e) + ' Nothing was changed.'; }
        } }, decision === 'commit' ? 'Commit' : 'Roll back')));
  };
  const open = m.status === 'UNDECIDED' || m.status === 'PREPARED';
  return h('section', {},
    h('p', { class: 'crumbs' }, h('a', { href: '/messages' }, 'Messages'), ' / ', h('span', { class: 'mono' }, m.id)),
    h('h1', {}, 'Message ', badge(m.status)),
    facts([['Flow', `${m.flow} v${m.flowVersion}`], ['Topic', m.topic], ['Key', m.key], ['Check-backs', m.checks],
      ['Next check', time(m.nextCheckAt)], ['Created', time(m.createdAt)], ['Last change', time(m.updatedAt)]]),
    open ? h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => decide('commit') }, 'Commit…'),
      h('button', { type: 'button', class: 'danger', onclick: () => decide('rollback') }, 'Roll back…')) : null,
    h('h2', {}, 'Payload'), json(m.payload),
    h('h2', {}, 'History'),
    table([{ label: '#', cell: e => e.seq }, { label: 'Event', cell: e => e.type }, { label: 'Time', cell: e => time(e.at) },
      { label: 'Details', cell: e => h('details', {}, h('summary', {}, Object.keys(e.data || {}).join(', ') || 'data'), json(e.data)) }],
    m.events || [], 'No history.'));
}
