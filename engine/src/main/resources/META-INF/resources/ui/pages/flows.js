import { api, h, time, badge, table, describe, notify, navigate, withQuery, ApiError, fill, may, getOne } from '/ui/app.js';
import { flowGraph } from '/ui/graph.js';

export async function list() {
  const flows = await api('/api/flows');
  return h('section', {}, h('h1', {}, 'Flows'),
    table([
      { label: 'Flow', cell: f => h('a', { href: '/flows/' + encodeURIComponent(f.name) }, f.name) },
      { label: 'Kind', cell: f => f.kind }, { label: 'Latest version', cell: f => f.latestVersion },
      { label: 'State', cell: f => badge(f.deployed ? 'DEPLOYED' : 'UNDEPLOYED') },
      { label: 'Deployed', cell: f => time(f.versions[f.versions.length - 1].deployedAt) },
      { label: 'Sagas', cell: f => f.kind === 'Saga' ? h('a', { href: withQuery('/sagas', { flow: f.name }) }, 'list') : '' }],
    flows, 'No flow is deployed.'),
    await may('admin') ? deployForm('') : null);
}

/** YAML with line numbers; lines with a diagnostic are marked and carry its messages. */
function yamlView(text, diagnostics = []) {
  const byLine = {};
  for (const d of diagnostics) (byLine[d.line] = byLine[d.line] || []).push(d);
  return h('ol', { class: 'yaml', 'aria-label': 'Flow document' }, text.split('\n').map((line, i) => {
    const problems = byLine[i + 1];
    return h('li', { class: problems ? 'has-problem' : '', id: problems ? `line-${i + 1}` : undefined },
      h('code', {}, line || ' '),
      problems ? problems.map(d => h('div', { class: 'problem', role: 'note' },
        `${d.line}:${d.column}: ${d.code}: ${d.message}${d.hint ? ' (' + d.hint + ')' : ''}`)) : null);
  }));
}

/** Deploy a document: the problems the engine finds are shown at their lines; nothing is deployed then. */
function deployForm(initial) {
  const area = h('textarea', { id: 'deploy-yaml', rows: 14, class: 'mono', spellcheck: 'false',
    placeholder: 'apiVersion: sagaflow.io/v1\nkind: Saga\n...' }, initial);
  const file = h('input', { id: 'deploy-file', type: 'file', accept: '.yaml,.yml,text/yaml',
    onchange: async e => { if (e.target.files[0]) area.value = await e.target.files[0].text(); } });
  const out = h('div', { 'aria-live': 'polite', id: 'deploy-result' });
  const form = h('form', { class: 'panel', id: 'deploy' }, h('h2', {}, 'Deploy a flow'),
    h('label', { for: 'deploy-file' }, 'From a file'), file,
    h('label', { for: 'deploy-yaml' }, 'Document (YAML)'), area,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Validate and deploy')), out);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    if (!area.value.trim()) { fill(out, h('p', { class: 'error', role: 'alert' }, 'The document is empty; nothing was deployed.')); return; }
    try {
      const d = await api('/api/flows', { method: 'POST', body: area.value, type: 'application/yaml' });
      notify(`Deployed ${d.kind} ${d.name} version ${d.version}.`);
      navigate('/flows/' + encodeURIComponent(d.name));
    } catch (err) {
      const errors = err instanceof ApiError && err.problem && err.problem.errors || [];
      fill(out, h('p', { class: 'error', role: 'alert' }, describe(err),
        errors.length ? ` — ${errors.length} problem${errors.length === 1 ? '' : 's'}, shown at their lines; nothing was deployed.` : ''),
      errors.length ? yamlView(area.value, errors) : null);
      out.querySelector('.has-problem')?.scrollIntoView({ block: 'center' });
    }
  });
  return form;
}

export async function one(ctx) {
  const name = ctx.params[0];
  const flow = await getOne('/api/flows/' + encodeURIComponent(name), 'Flow', '/flows');
  const wanted = Number(ctx.query.version) || flow.latestVersion;
  const version = flow.versions.find(v => v.version === wanted) || flow.versions[flow.versions.length - 1];
  const graph = await api(`/api/flows/${encodeURIComponent(name)}/versions/${version.version}/graph`).catch(() => null);
  const picker = h('select', { id: 'version', onchange: e => navigate(withQuery(location.pathname, { version: e.target.value })) },
    flow.versions.map(v => h('option', { value: v.version, selected: v.version === version.version }, `v${v.version}`)));
  return h('section', {},
    h('p', { class: 'crumbs' }, h('a', { href: '/flows' }, 'Flows'), ' / ', name),
    h('h1', {}, `${name} `, badge(flow.deployed ? 'DEPLOYED' : 'UNDEPLOYED')),
    h('div', { class: 'filters' }, h('label', { for: 'version' }, 'Version', picker),
      h('span', { class: 'muted' }, 'deployed ', time(version.deployedAt)),
      flow.kind === 'Saga' ? h('a', { href: withQuery('/sagas', { flow: name, flowVersion: version.version }) }, 'Sagas of this version') : null),
    graph && graph.stages.length ? [h('h2', {}, 'Graph'), h('div', { class: 'graph-box' }, flowGraph(graph))] : null,
    h('h2', {}, 'Document'), yamlView(version.content),
    await may('admin') ? deployForm(version.content) : null);
}
