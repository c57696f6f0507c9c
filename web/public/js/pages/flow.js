// #/flows/ID: one flow: tuple, application, counters, TCP health, the
// process information of both ends and every field of the merged record.
import * as api from '../api.js';
import { fill, h, link, refill } from '../dom.js';
import { flowSections } from '../flowdetail.js';
import { poll } from '../poller.js';

export function render(main, ctx) {
  const id = ctx.params[0];
  const body = h('div');
  main.append(h('div', { class: 'page-head' }, h('h1', {}, `Flow ${id}`), link('#/flows', '← Active flows')), body);
  const fields = { open: false };
  const poller = poll(async () => {
    let f;
    try {
      f = await api.get(`/flows/${encodeURIComponent(id)}`);
    } catch (e) {
      if (e.status !== 404) throw e;
      fill(body, h('p', {}, `Flow ${id} is not known (any more): flows leave the live model some time after they end.`));
      return;
    }
    refill(body, flowSections(f, { fields }));
  }, 2000, ctx.showError);
  return () => poller.stop();
}
