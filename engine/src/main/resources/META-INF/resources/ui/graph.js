// The flow drawn as a graph: stages left to right, the branches of a parallel group stacked in a dashed box; each
// step a box with its participant, its kind (TCC, pivot) and, for a saga, its status and attempts.
import { s } from '/ui/app.js';

const W = 196, H = 64, GAP_X = 44, GAP_Y = 14, PAD = 16;

/**
 * @param graph  the answer of GET /api/flows/{name}/versions/{v}/graph
 * @param steps  optional: the saga's steps [{name, status, attempts}] (colours and attempts)
 * @param onStep optional: called with a step name when its box is activated
 * @param sagaStatus optional: the saga's status (a FAILED saga's step with an error is drawn as failed)
 */
export function flowGraph(graph, steps = [], onStep, sagaStatus) {
  const byName = Object.fromEntries(steps.map(st => [st.name, st]));
  const tallest = Math.max(1, ...graph.stages.map(st => st.steps.length));
  const width = PAD * 2 + graph.stages.length * W + (graph.stages.length - 1) * GAP_X;
  const height = PAD * 2 + tallest * H + (tallest - 1) * GAP_Y + 16;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'graph', role: 'img',
    'aria-label': `Flow ${graph.name} version ${graph.version}: ` + graph.stages.map(st => st.parallel
      ? `parallel ${st.name} (${st.steps.map(x => x.name).join(', ')})` : st.name).join(', then ') });
  svg.append(s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
    orient: 'auto-start-reverse' }, s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }))));
  graph.stages.forEach((stage, i) => {
    const x = PAD + i * (W + GAP_X);
    const stageHeight = stage.steps.length * H + (stage.steps.length - 1) * GAP_Y;
    const top = PAD + 8 + (tallest * H + (tallest - 1) * GAP_Y - stageHeight) / 2;
    if (i > 0) {
      const y = PAD + 8 + (tallest * H + (tallest - 1) * GAP_Y) / 2;
      svg.append(s('line', { x1: x - GAP_X + 4, y1: y, x2: x - 4, y2: y, class: 'edge', 'marker-end': 'url(#arrow)' }));
    }
    if (stage.parallel) {
      svg.append(s('rect', { x: x - 6, y: top - 14, width: W + 12, height: stageHeight + 20, rx: 8, class: 'group' }),
        s('text', { x: x, y: top - 4, class: 'group-label' }, `parallel: ${stage.name}`));
    }
    stage.steps.forEach((step, j) => {
      const y = top + j * (H + GAP_Y);
      const state = byName[step.name];
      // A step whose confirm, cancel or compensation failed keeps its status (e.g. SUCCEEDED: its try holds) and
      // carries the error: in a FAILED saga that is the step waiting for an operator, drawn as failed.
      const stuck = state && state.error && sagaStatus === 'FAILED';
      const status = state ? state.status : 'DEFINED';
      const kind = step.tcc ? 'TCC' : step.pivot ? 'pivot' : 'compensable';
      const box = s('g', { class: 'step s-' + (stuck ? 'failed' : status.toLowerCase()), tabindex: onStep ? 0 : undefined,
        'data-step': step.name, role: onStep ? 'button' : undefined,
        'aria-label': `${step.name}: ${state ? status + ', ' + state.attempts + ' attempt(s)' + (stuck ? ', failed: ' + state.error : '') : kind}` });
      box.append(
        s('rect', { x, y, width: W, height: H, rx: 6 }),
        s('text', { x: x + 8, y: y + 18, class: 'step-name' }, step.name),
        s('text', { x: x + 8, y: y + 34, class: 'step-meta' }, `${step.participant} · ${step.transport} · ${kind}`),
        s('text', { x: x + 8, y: y + 51, class: 'step-status' },
          state ? (stuck ? `${status} · then failed` : `${status} · ${state.attempts} attempt${state.attempts === 1 ? '' : 's'}`)
            : `${step.maxAttempts} attempts, ${step.timeout.replace(/^PT/, '').toLowerCase()} each`),
        s('title', {}, (stuck ? state.error + '\n' : '') + `${step.name}: ${step.forward}${step.undo ? ' / undo ' + step.undo : ' (no undo: pivot)'}`
          + (step.confirm ? ' / confirm ' + step.confirm : '')));
      if (onStep) {
        box.addEventListener('click', () => onStep(step.name));
        box.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onStep(step.name); } });
      }
      svg.append(box);
    });
  });
  return svg;
}
