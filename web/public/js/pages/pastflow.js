// #/history/flow/UID: one flow from the history, with the sections of the
// live flow page (flowdetail.js). A past flow does not change: one request,
// no refresh. Its processes are shown as text, not linked to the live
// process page (that pid may be gone or another program now).
import * as api from '../api.js';
import { fill, h, link } from '../dom.js';
import { flowSections } from '../flowdetail.js';

// The explorer over the minutes around the flow.
const historyAround = (f) => `#/history?from=${Math.floor(f.first_seen / 60) * 60 - 300}&to=${Math.ceil(f.last_seen / 60) * 60 + 300}`;

export function render(main, ctx) {
  const uid = ctx.params[0];
  const back = link('#/history', '← History');
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  main.append(h('div', { class: 'page-head' }, h('h1', {}, `Past flow ${uid}`), back), body);
  api.get(`/history/flows/${encodeURIComponent(uid)}`).then((f) => {
    back.href = historyAround(f);
    back.textContent = '← History around this flow';
    fill(body, flowSections(f, { past: true }));
  }).catch((e) => {
    if (e.status === 404 || e.status === 400) fill(body, h('p', {}, e.message));
    else ctx.showError(e);
  });
}
