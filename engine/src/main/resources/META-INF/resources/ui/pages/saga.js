import { api, h, time, duration, badge, json, facts, table, follow, describe, dialog, notify, throttle, fill, may, getOne } from '/ui/app.js';
import { flowGraph } from '/ui/graph.js';

const FAILURE = /Failed|TimedOut|Timeout|Ignored|Refused|Aborted|Rejected|Abandoned|Skipped/;

/** Whether an event is about something going wrong (the timeline's failure filter). */
function isFailure(e) {
  const d = e.data || {};
  return FAILURE.test(e.type) || d.outcome === 'FAILED' || d.outcome === 'RETRY' || !!d.error;
}

export async function one(ctx) {
  const id = ctx.params[0];
  let saga = await getOne('/api/sagas/' + encodeURIComponent(id), 'Saga', '/sagas');
  const canAct = await may('operator');   // a viewer sees no action it would be refused
  const graph = await api(`/api/flows/${encodeURIComponent(saga.flow)}/versions/${saga.flowVersion}/graph`).catch(() => null);
  const events = [];
  const state = { failuresOnly: ctx.query.failures === '1', step: ctx.query.step || '' };

  const header = h('div');
  const stepFilter = h('span', { id: 'step-filter' });
  const graphBox = h('div', { class: 'graph-box' });
  const timeline = h('div', { 'aria-live': 'polite' });
  const details = h('div', { class: 'columns' });
  const root = h('section', {}, header, h('h2', {}, 'Flow'), graphBox, h('h2', {}, 'Timeline'),
    timelineFilters(), timeline, details);

  function timelineFilters() {
    const failures = h('input', { type: 'checkbox', id: 'only-failures', checked: state.failuresOnly, onchange: e => {
      state.failuresOnly = e.target.checked; syncUrl(); drawTimeline();
    } });
    return h('div', { class: 'filters' }, h('label', { for: 'only-failures', class: 'inline' }, failures, ' Only failures and retries'),
      stepFilter);
  }

  function syncUrl() {
    const q = new URLSearchParams();
    if (state.failuresOnly) q.set('failures', '1');
    if (state.step) q.set('step', state.step);
    history.replaceState(null, '', location.pathname + (q.toString() ? '?' + q : ''));
  }

  function drawHeader() {
    const actions = [];
    if (canAct && saga.status === 'RUNNING') actions.push(h('button', { type: 'button', class: 'danger', onclick: () => act('abort') }, 'Abort…'));
    if (canAct && saga.status === 'FAILED') {
      actions.push(h('button', { type: 'button', onclick: () => act('retry') }, 'Retry…'));
      for (const st of saga.steps.filter(x => x.status === 'FAILED' || x.error)) {
        actions.push(h('button', { type: 'button', class: 'quiet', onclick: () => act('skip', st.name) }, `Skip ${st.name}…`));
      }
    }
    fill(header,
      h('p', { class: 'crumbs' }, h('a', { href: '/sagas' }, 'Sagas'), ' / ', h('span', { class: 'mono' }, saga.id)),
      h('h1', {}, `${saga.flow} v${saga.flowVersion} `, badge(saga.status)),
      facts([['Saga', h('span', { class: 'mono' }, saga.id)], ['Flow', h('a', { href: `/flows/${saga.flow}?version=${saga.flowVersion}` }, `${saga.flow} v${saga.flowVersion}`)],
        ['Created', time(saga.createdAt)], ['Last change', time(saga.updatedAt)],
        ['Duration', duration(new Date(saga.updatedAt) - new Date(saga.createdAt))]]),
      saga.error ? h('p', { class: 'error' }, 'Last error: ', saga.error) : null,
      h('div', { class: 'actions' }, actions));
    fill(details,
      h('div', {}, h('h2', {}, 'Input'), json(saga.input)),
      h('div', {}, h('h2', {}, 'Output'), json(saga.output)),
      h('div', {}, h('h2', {}, 'Steps'), table([
        { label: 'Step', cell: r => r.name }, { label: 'Status', cell: r => badge(r.status) },
        { label: 'Attempts', cell: r => r.attempts }, { label: 'Error', cell: r => r.error || '' }], saga.steps)));
    fill(graphBox, graph ? flowGraph(graph, saga.steps, name => {
      state.step = state.step === name ? '' : name; syncUrl(); drawTimeline();
    }, saga.status) : h('p', { class: 'muted' }, 'The flow version of this saga cannot be drawn.'));
  }

  function drawTimeline() {
    const shown = events.filter(e => (!state.failuresOnly || isFailure(e)) && (!state.step || (e.data && e.data.step === state.step)));
    fill(stepFilter, state.step
      ? h('span', {}, ` Step ${state.step} `, h('button', { type: 'button', class: 'quiet', onclick: () => { state.step = ''; syncUrl(); drawTimeline(); } }, 'show all steps'))
      : '');
    fill(timeline, table([
      { label: '#', cell: e => e.seq },
      { label: 'Event', cell: e => h('span', { class: isFailure(e) ? 'ev-bad' : 'ev' }, e.type) },
      { label: 'Step', cell: e => (e.data && e.data.step) || '' },
      { label: 'Attempt', cell: e => (e.data && e.data.attempt) || '' },
      { label: 'Time', cell: e => time(e.at) },
      { label: '+', cell: e => e.sincePrevious === undefined ? '' : '+' + duration(e.sincePrevious) },
      { label: 'Details', cell: e => h('details', {}, h('summary', {}, summary(e)), json(e.data)) },
    ], shown, events.length ? 'No event matches this filter.' : 'No events yet.'));
  }

  // A guess at what the operator wants to read first; any event type (also future ones) falls back to its keys.
  function summary(e) {
    const d = e.data || {};
    return d.reason || d.error || d.detail || d.outcome || (d.command ? `${d.kind || ''} ${d.command}`.trim() : '')
      || Object.keys(d).slice(0, 4).join(', ') || 'data';
  }

  async function act(action, step) {
    const q = new URLSearchParams({ action });
    if (step) q.set('step', step);
    let preview;
    try {
      preview = await api(`/api/sagas/${saga.id}/preview?${q}`);
    } catch (e) {
      notify(describe(e), 'error');
      return;
    }
    const reason = h('textarea', { id: 'reason', rows: 3, required: true, placeholder: 'Why? Recorded in the saga\'s history.' });
    const error = h('p', { class: 'error', role: 'alert' });
    const label = { abort: 'Abort', retry: 'Retry', skip: `Skip ${step}` }[action];
    const d = dialog(`${label}: what will happen`,
      preview.allowed
        ? h('div', {}, h('p', {}, 'Status now ', badge(preview.statusNow), ', right after ', badge(preview.statusAfter), '.'),
          preview.commands.length ? h('div', {}, h('p', {}, 'Commands sent at once:'),
            h('ul', { class: 'consequences' }, preview.commands.map(c => h('li', {}, `${c.kind.toLowerCase()} “${c.command}” to ${c.participant} (step ${c.step}, attempt ${c.attempt})`))))
            : h('p', {}, 'No command is sent at once.'),
          plan(preview),
          h('p', {}, 'Events recorded: ', preview.events.map(e => e.type).join(', ') || 'none'))
        : h('p', { class: 'error' }, 'The engine would refuse this now: ', preview.refusal),
      h('label', { for: 'reason' }, 'Reason (required)'), reason, error,
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'quiet', onclick: () => d.close() }, 'Cancel'),
        h('button', { type: 'button', class: action === 'abort' ? 'danger' : '', disabled: !preview.allowed, onclick: async () => {
          if (!reason.value.trim()) { error.textContent = 'A reason is required; nothing was done.'; reason.focus(); return; }
          const path = action === 'skip' ? `/api/sagas/${saga.id}/steps/${encodeURIComponent(step)}/skip` : `/api/sagas/${saga.id}/${action}`;
          try {
            saga = await api(path, { method: 'POST', body: { reason: reason.value.trim() } });
            d.close();
            notify(`${label} recorded. The page follows the saga.`);
            drawHeader();
          } catch (e) {
            error.textContent = describe(e) + ' Nothing was changed.';
          }
        } }, `${label} now`)));
    reason.focus();
  }

  // The compensation plan a CompensationStarted event carries: stage by stage, in reverse order.
  function plan(preview) {
    const started = preview.events.find(e => e.type === 'CompensationStarted');
    if (!started || !started.data.groups) return null;
    return h('div', {}, h('p', {}, 'Then compensated, in this order (a line runs at once):'),
      h('ol', { class: 'consequences' }, started.data.groups.map(g => h('li', {}, g.join(', ')))));
  }

  drawHeader();
  drawTimeline();
  const refresh = throttle(async () => {
    try {
      saga = await api('/api/sagas/' + saga.id);
      if (ctx.current()) drawHeader();
    } catch (e) { /* the next event retries */ }
  }, 500);
  follow(ctx, `/api/sagas/${saga.id}/stream`, (e, source) => {
    if (events.some(x => x.seq === e.seq)) return;   // a reconnected stream starts over
    const previous = events[events.length - 1];
    e.sincePrevious = previous ? new Date(e.at) - new Date(previous.at) : undefined;
    events.push(e);
    drawTimeline();
    refresh();
    if (e.type === 'SagaCompleted' || e.type === 'SagaCompensated') source.close();   // the stream ends; do not reconnect
  });
  return root;
}
