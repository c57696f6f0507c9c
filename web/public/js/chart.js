// Throughput over time (uPlot): two lines, sent and received, in bits per second.
import uPlot from '../vendor/uPlot.esm.js';
import { h } from './dom.js';
import * as fmt from './format.js';

// labels: the two series' names, e.g. ['Client → Server', 'Server → Client'].
// onPick(index): a click on the chart chose the point under the cursor.
export function throughputChart(labels = ['Sent', 'Received'], height = 220, onPick = null) {
  const element = h('div', { class: 'chart' });
  const empty = h('p', { class: 'muted chart-empty' }, 'No samples yet.');
  element.append(empty);
  let plot = null;

  function make(data) {
    const width = Math.max(300, element.clientWidth || 600);
    plot = new uPlot({
      width,
      height,
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(max, 1000)] } },
      axes: [
        {},
        { values: (u, ticks) => ticks.map((t) => fmt.bps(t)), size: 80 },
      ],
      series: [
        {},
        { label: labels[0], stroke: '#1f77b4', fill: 'rgba(31,119,180,0.12)', width: 2, value: (u, v) => (v === null ? '–' : fmt.bps(v)) },
        { label: labels[1], stroke: '#ff7f0e', fill: 'rgba(255,127,14,0.12)', width: 2, value: (u, v) => (v === null ? '–' : fmt.bps(v)) },
      ],
    }, data, element);
    if (onPick) {
      plot.over.classList.add('pickable');
      plot.over.addEventListener('click', () => {
        if (plot.cursor.idx !== null && plot.cursor.idx !== undefined) onPick(plot.cursor.idx);
      });
    }
  }

  new ResizeObserver(() => {
    if (plot && element.clientWidth) plot.setSize({ width: element.clientWidth, height });
  }).observe(element);

  return {
    element,
    // points: [[T, SENT_BPS, RCVD_BPS], ...] as /api/v1/timeseries answers.
    update(points) {
      const data = [points.map((p) => p[0]), points.map((p) => p[1]), points.map((p) => p[2])];
      empty.hidden = points.length > 0;
      if (!plot) make(data);
      else plot.setData(data);
    },
  };
}
