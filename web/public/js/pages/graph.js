// #/graph: hosts and their processes as nodes, flows as edges whose width
// follows their bytes; laid out by d3-force (vendor/d3-force.min.js, window.d3).
import * as api from '../api.js';
import { h, svg, fill } from '../dom.js';
import * as fmt from '../format.js';
import { hostHref, processHref } from '../cells.js';
import { poll } from '../poller.js';

const WIDTH = 1000;
const HEIGHT = 560;

function nodeHref(n) {
  return n.type === 'host' ? hostHref(n.label) : processHref(n.id.replace(/^proc:/, ''));
}

function edgeWidth(bytes, maxBytes) {
  return 1 + 7 * Math.sqrt((bytes || 0) / (maxBytes || 1));
}

export function render(main, ctx) {
  const limit = h('select', { id: 'graph-limit' }, [50, 100, 200, 500].map((n) => h('option', { value: n, selected: n === 200 }, String(n))));
  const counts = h('p', { class: 'muted', 'aria-live': 'polite' });
  const edgeLayer = svg('g', { class: 'edges' });
  const nodeLayer = svg('g', { class: 'nodes' });
  const picture = svg('svg', { class: 'graph', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'group', 'aria-label': 'Hosts and processes linked by their flows' }, edgeLayer, nodeLayer);
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Host → Process Graph'),
      h('span', {}, h('label', { for: 'graph-limit' }, 'Flows shown (most bytes) '), limit)),
    h('p', { class: 'legend' },
      h('span', { class: 'key key-host' }), ' host ', h('span', { class: 'key key-process' }), ' process ',
      h('span', { class: 'key key-flow' }), ' flow (width: bytes) ', h('span', { class: 'key key-runs' }), ' runs on'),
    counts, picture);

  const nodes = new Map();  // id → d3 node {id, type, label, x, y, el}
  let links = [];
  let shape = '';
  const simulation = window.d3.forceSimulation()
    .force('charge', window.d3.forceManyBody().strength(-220))
    .force('center', window.d3.forceCenter(WIDTH / 2, HEIGHT / 2))
    .force('x', window.d3.forceX(WIDTH / 2).strength(0.03))
    .force('y', window.d3.forceY(HEIGHT / 2).strength(0.05))
    .force('collide', window.d3.forceCollide(14))
    .on('tick', draw);

  // Zooms to the nodes (a few nodes fill the picture, many fit in it), but
  // never so close that the labels grow past twice their size.
  function fit() {
    if (nodes.size === 0) return;
    const xs = [...nodes.values()].map((n) => n.x);
    const ys = [...nodes.values()].map((n) => n.y);
    const pad = 90;
    const width = Math.max(Math.max(...xs) - Math.min(...xs) + 2 * pad, WIDTH / 2);
    const height = Math.max(Math.max(...ys) - Math.min(...ys) + 2 * pad, HEIGHT / 2);
    const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
    const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
    picture.setAttribute('viewBox', `${(cx - width / 2).toFixed(0)} ${(cy - height / 2).toFixed(0)} ${width.toFixed(0)} ${height.toFixed(0)}`);
  }

  function draw() {
    for (const n of nodes.values()) {
      n.x = Math.max(12, Math.min(WIDTH - 12, n.x));
      n.y = Math.max(12, Math.min(HEIGHT - 12, n.y));
      n.el.setAttribute('transform', `translate(${n.x.toFixed(1)},${n.y.toFixed(1)})`);
    }
    fit();
    for (const l of links) {
      l.el.setAttribute('x1', l.source.x.toFixed(1));
      l.el.setAttribute('y1', l.source.y.toFixed(1));
      l.el.setAttribute('x2', l.target.x.toFixed(1));
      l.el.setAttribute('y2', l.target.y.toFixed(1));
    }
  }

  function nodeElement(n) {
    const radius = n.type === 'host' ? 10 : 6;
    return svg('a', { href: nodeHref(n), class: `node node-${n.type}` },
      svg('title', {}, `${n.type === 'host' ? 'Host' : 'Process'} ${n.label}${n.host ? ` on ${n.host}` : ''}`),
      svg('circle', { r: radius }),
      svg('text', { x: radius + 3, y: 4 }, n.label));
  }

  function update(g) {
    const maxBytes = Math.max(1, ...g.edges.map((e) => e.bytes || 0));
    const seen = new Set(g.nodes.map((n) => n.id));
    for (const [id, n] of nodes) if (!seen.has(id)) { n.el.remove(); nodes.delete(id); }
    for (const n of g.nodes) {
      let known = nodes.get(n.id);
      if (!known) {
        known = { ...n, x: WIDTH / 2 + (Math.random() - 0.5) * 200, y: HEIGHT / 2 + (Math.random() - 0.5) * 200 };
        known.el = nodeElement(known);
        nodeLayer.append(known.el);
        nodes.set(n.id, known);
      }
    }
    links = g.edges.filter((e) => nodes.has(e.source) && nodes.has(e.target)).map((e) => ({
      ...e,
      source: nodes.get(e.source),
      target: nodes.get(e.target),
      el: svg('line', { class: `edge edge-${e.type}`, 'stroke-width': e.type === 'flow' ? edgeWidth(e.bytes, maxBytes).toFixed(1) : 1 },
        e.type === 'flow' ? svg('title', {}, `${fmt.count(e.flows)} flow${e.flows === 1 ? '' : 's'}, ${fmt.bytes(e.bytes)}`) : null),
    }));
    fill(edgeLayer, links.map((l) => l.el));
    const hostCount = g.nodes.filter((n) => n.type === 'host').length;
    counts.textContent = `${hostCount} hosts, ${g.nodes.length - hostCount} processes, ` +
      `${g.edges.filter((e) => e.type === 'flow').length} flow edges.`;

    simulation.nodes([...nodes.values()]);
    simulation.force('link', window.d3.forceLink(links).id((n) => n.id)
      .distance((l) => (l.type === 'runs_on' ? 30 : 90)).strength((l) => (l.type === 'runs_on' ? 1 : 0.2)));
    // Move things only when the picture changed, not at every refresh.
    const newShape = [...nodes.keys()].join(' ') + '|' + links.map((l) => `${l.source.id}>${l.target.id}`).join(' ');
    if (newShape !== shape) simulation.alpha(shape ? 0.3 : 1).restart();
    shape = newShape;
    draw();
  }

  limit.addEventListener('change', () => poller.now());
  const poller = poll(async () => update(await api.get('/graph', { limit: limit.value })), 3000, ctx.showError);
  return () => { poller.stop(); simulation.stop(); };
}
