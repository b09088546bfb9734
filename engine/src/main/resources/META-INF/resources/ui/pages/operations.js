import { api, h, time, badge, json, table, describe, notify, fill } from '/ui/app.js';

export async function cacheSyncs() {
  const syncs = await api('/api/cache-syncs');
  const results = h('div', { 'aria-live': 'polite' });
  return h('section', {}, h('h1', {}, 'Cache syncs'),
    h('p', { class: 'muted' }, 'As this node sees them; the lag is known on the node that owns a sync.'),
    table([
      { label: 'Sync', cell: r => r.name }, { label: 'State', cell: r => badge(r.state || (r.owner ? 'OWNER' : 'STANDBY')) },
      { label: 'Lag', cell: r => r.lagMillis === null || r.lagMillis === undefined ? '—' : `${r.lagMillis} ms` },
      { label: 'Last reconcile', cell: r => r.lastReconcile ? h('details', {}, h('summary', {}, 'counts'), json(r.lastReconcile)) : '—' },
      { label: 'All', cell: r => h('details', {}, h('summary', {}, 'status'), json(r)) },
      { label: 'Action', cell: r => h('button', { type: 'button', onclick: async () => {
        try {
          const res = await api(`/api/cache-syncs/${encodeURIComponent(r.name)}/reconcile`, { method: 'POST' });
          fill(results, h('h2', {}, `Reconciled ${r.name}`), json(res));
          notify(`Reconciled ${r.name}: ${res.missing} missing, ${res.stale} stale, ${res.extra} extra repaired.`);
        } catch (e) { notify(describe(e), 'error'); }
      } }, 'Reconcile now') }], syncs, 'No CacheSync is deployed.'),
    results);
}

export async function nodes() {
  const list = await api('/api/nodes');
  return h('section', {}, h('h1', {}, 'Nodes'),
    table([
      { label: 'Node', cell: r => h('span', { class: 'mono' }, r.id) }, { label: 'Alive', cell: r => badge(r.alive ? 'ALIVE' : 'DEAD') },
      { label: 'Leads the relay', cell: r => r.holds && r.holds.relayLeader ? 'yes' : 'no' },
      { label: 'Reply partitions', cell: r => (r.holds && r.holds.replyPartitions || []).join(', ') },
      { label: 'HTTP command partitions', cell: r => (r.holds && r.holds.httpCommandPartitions || []).join(', ') },
      { label: 'Started', cell: r => time(r.startedAt) }, { label: 'Last heartbeat', cell: r => time(r.lastHeartbeat) }],
    list, 'No node has registered.'),
    // The circuit breakers, bulkheads and rate limits of HTTP participants (docs/flows.md), per node that called them.
    h('h2', {}, 'Protected HTTP participants'),
    table([
      { label: 'Node', cell: p => h('span', { class: 'mono' }, p.node) },
      { label: 'Participant (flow/name)', cell: p => h('span', { class: 'mono' }, p.name) },
      { label: 'Circuit', cell: p => p.circuit === 'NONE' ? 'none' : badge(p.circuit) },
      { label: 'Open since', cell: p => p.openSince ? time(p.openSince) : '' },
      { label: 'Calls in flight', cell: p => p.inFlight },
      { label: 'Held back: circuit open / rate limit / bulkhead full',
        cell: p => `${p.deferredCircuitOpen} / ${p.deferredRateLimited} / ${p.deferredBulkheadFull}` }],
    list.filter(r => r.alive).flatMap(r => ((r.holds && r.holds.httpParticipants) || []).map(p => ({ node: r.id, ...p }))),
    'No node has called a participant that declares a circuit breaker, bulkhead or rate limit.'));
}
