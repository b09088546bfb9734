import { api, h, s, time, withQuery, table, follow, throttle, describe, fill } from '/ui/app.js';

const OPEN = ['RUNNING', 'COMPENSATING', 'FAILED'];
const FINISHED = ['COMPLETED', 'COMPENSATED'];

export async function overview(ctx) {
  const root = h('section', { 'aria-labelledby': 'ov-title' });
  const refresh = async () => {
    try {
      const [data, nodes, syncs] = await Promise.all([api('/api/overview'), api('/api/nodes'), api('/api/cache-syncs').catch(() => [])]);
      if (ctx.current()) fill(root, ...draw(data, nodes, syncs));
    } catch (e) {
      if (ctx.current()) fill(root, h('h1', { id: 'ov-title' }, 'Overview'), h('p', { class: 'error', role: 'alert' }, describe(e)));
    }
  };
  await refresh();
  // Counts change with sagas: re-read at most every 5 s while changes are announced, never otherwise.
  const again = throttle(refresh, 5000);
  follow(ctx, '/api/changes', again, { onOpen: again });
  return root;
}

const unknown = v => v === null || v === undefined;

function lagCards(lag, syncs) {
  const owned = syncs.filter(x => !unknown(x.lagMillis));
  const worst = owned.length ? Math.max(...owned.map(x => x.lagMillis)) : null;
  return [
    h('a', { class: 'card', href: '/nodes', title: 'WAL bytes the outbox relay\'s replication slot has not confirmed' },
      h('span', { class: 'big' }, unknown(lag.relayBytes) ? '?' : bytes(lag.relayBytes)), h('span', {}, 'relay behind')),
    h('a', { class: 'card', href: '/nodes', title: 'reply records the engine\'s consumers have not committed' },
      h('span', { class: 'big' }, unknown(lag.replyRecords) ? '?' : lag.replyRecords), h('span', {}, 'replies behind')),
    h('a', { class: 'card', href: '/nodes', title: 'HTTP-participant commands the connector has not committed' },
      h('span', { class: 'big' }, unknown(lag.httpCommandRecords) ? '?' : lag.httpCommandRecords), h('span', {}, 'HTTP commands behind')),
    h('a', { class: 'card', href: '/cache-syncs', title: 'the largest lag of the cache syncs this node owns' },
      h('span', { class: 'big' }, worst === null ? '—' : `${worst} ms`), h('span', {}, 'cache sync lag')),
  ];
}

function bytes(n) {
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;
}

function draw(data, nodes, syncs) {
  const totals = {};
  for (const c of [...data.sagas.open, ...data.sagas.finished]) totals[c.status] = (totals[c.status] || 0) + c.count;
  const flows = [...new Set([...data.sagas.open, ...data.sagas.finished].map(c => c.flow))].sort();
  const cell = (flow, status) => {
    const c = [...data.sagas.open, ...data.sagas.finished].find(x => x.flow === flow && x.status === status);
    return c ? h('a', { href: withQuery('/sagas', { flow, status }) }, c.count) : h('span', { class: 'muted' }, '0');
  };
  const deadLetters = Object.values(data.openDeadLetters).reduce((a, b) => a + b, 0);
  const alive = nodes.filter(n => n.alive);
  const leader = alive.find(n => n.holds && n.holds.relayLeader);
  return [
    h('h1', { id: 'ov-title' }, 'Overview'),
    h('div', { class: 'cards' },
      [...OPEN, ...FINISHED].map(st => h('a', { class: 'card s-' + st.toLowerCase(), href: withQuery('/sagas', { status: st }) },
        h('span', { class: 'big' }, totals[st] || 0), h('span', {}, st.toLowerCase() + (FINISHED.includes(st) ? ' (24 h)' : '')))),
      h('a', { class: 'card s-failed', href: withQuery('/dead-letters', { status: 'OPEN' }) },
        h('span', { class: 'big' }, deadLetters), h('span', {}, 'open dead letters')),
      h('a', { class: 'card', href: '/nodes' }, h('span', { class: 'big' }, alive.length),
        h('span', {}, 'nodes alive' + (leader ? ` · relay: ${leader.id}` : ''))),
      lagCards(data.lag, syncs)),
    h('h2', {}, 'The last hour, per minute'),
    chart(data.sagas.minutes),
    h('h2', {}, 'Sagas by flow'),
    table([{ label: 'Flow', cell: r => h('a', { href: withQuery('/sagas', { flow: r }) }, r) },
      ...[...OPEN, ...FINISHED].map(st => ({ label: st + (FINISHED.includes(st) ? ' (24 h)' : ''), cell: r => cell(r, st) }))],
    flows, 'No sagas yet.'),
    h('h2', {}, 'Open dead letters by source'),
    table([{ label: 'Source', cell: r => h('a', { href: withQuery('/dead-letters', { status: 'OPEN', source: r[0] }) }, r[0]) },
      { label: 'Open', cell: r => r[1] }], Object.entries(data.openDeadLetters)),
    h('p', { class: 'muted' }, 'Open sagas are counted in full, finished ones since ', time(data.sagas.finishedSince),
      '. Lags as of ', time(data.lag.at), ' (measured at most every 5 s).'),
  ];
}

const SERIES = [['started', 'Started'], ['completed', 'Completed'], ['compensated', 'Compensated'], ['failed', 'Failed']];

function chart(minutes) {
  const w = 720, hgt = 200, left = 40, bottom = 24;
  const max = Math.max(1, ...minutes.flatMap(m => SERIES.map(([k]) => m[k])));
  const x = i => left + (i * (w - left - 8)) / Math.max(1, minutes.length - 1);
  const y = v => hgt - bottom - (v * (hgt - bottom - 10)) / max;
  const svg = s('svg', { viewBox: `0 0 ${w} ${hgt}`, class: 'chart', role: 'img',
    'aria-label': 'Sagas per minute over the last hour: ' + SERIES.map(([k, l]) => `${l} ${minutes.reduce((a, m) => a + m[k], 0)}`).join(', ') });
  svg.append(s('line', { x1: left, y1: y(0), x2: w - 8, y2: y(0), class: 'axis' }),
    s('text', { x: 4, y: y(max) + 4, class: 'tick' }, max), s('text', { x: 4, y: y(0), class: 'tick' }, 0));
  [0, 15, 30, 45, 59].forEach(i => minutes[i] && svg.append(s('text', { x: x(i) - 16, y: hgt - 6, class: 'tick' },
    new Date(minutes[i].minute).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }))));
  for (const [k] of SERIES) {
    svg.append(s('polyline', { class: 'series ' + k, points: minutes.map((m, i) => `${x(i)},${y(m[k])}`).join(' ') }));
  }
  const legend = h('ul', { class: 'legend' }, SERIES.map(([k, l]) => h('li', { class: k }, `${l}: ${minutes.reduce((a, m) => a + m[k], 0)}`)));
  return h('figure', { class: 'chart-box' }, svg, h('figcaption', {}, legend));
}
