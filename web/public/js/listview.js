// A list page (flows, processes, hosts): search box, filters, a paged table
// refreshed live. Its state (page, sort, search, filters) lives in the URL
// (#/flows?sort=bytes&q=dns) so going back from a flow's details returns to
// the same view, and a refresh never resets what the user chose.
import * as api from './api.js';
import { h } from './dom.js';
import { debounce, poll } from './poller.js';
import { pagedTable } from './table.js';

// filters: [{name, label, placeholder, options: [values] (a select) }]
// fixedParams: more parameters of every request and of the URL (the history's
// time range); urlParams: more of the URL only (the page's other choices);
// between: nodes shown between the filters and the table.
export function listView(main, ctx, { title, route, endpoint, itemsKey, defaultSort, filters = [], columns, rowKey, rowHref, rowClass, searchLabel, fixedParams = {}, urlParams = {}, between = [] }) {
  const q = ctx.query;
  const state = {
    offset: Number(q.get('offset')) || 0,
    limit: Number(q.get('limit')) || 10,
    sort: q.get('sort') || defaultSort,
    order: q.get('order') === 'asc' ? 'asc' : 'desc',
    q: q.get('q') || '',
    filters: Object.fromEntries(filters.map((f) => [f.name, q.get(f.name) || ''])),
  };

  const table = pagedTable({ caption: title, columns, state, onChange: changed, rowKey, rowHref, rowClass });
  let poller = null;

  function changed() {
    const params = { ...urlParams, ...fixedParams, ...state.filters, q: state.q, sort: state.sort, order: state.order, offset: state.offset || '', limit: state.limit };
    history.replaceState(null, '', `${route}${api.query(params)}`);
    poller.now();
  }

  const search = h('input', { type: 'search', class: 'search', value: state.q, placeholder: 'Search', 'aria-label': searchLabel || 'Search' });
  search.addEventListener('input', debounce(() => { state.q = search.value.trim(); state.offset = 0; changed(); }));

  const filterInputs = filters.map((f) => {
    const id = `filter-${f.name}`;
    const input = f.options
      ? h('select', { id, name: f.name }, h('option', { value: '' }, 'any'),
        f.options.map((o) => h('option', { value: o, selected: o === state.filters[f.name] }, o)))
      : h('input', { id, name: f.name, value: state.filters[f.name], placeholder: f.placeholder || '', size: f.size || 10 });
    input.addEventListener(f.options ? 'change' : 'input', debounce(() => {
      state.filters[f.name] = input.value.trim();
      state.offset = 0;
      changed();
    }));
    return h('span', { class: 'filter' }, h('label', { for: id }, f.label), input);
  });
  const activeFilters = filters.filter((f) => state.filters[f.name]).length;
  const clear = h('button', { type: 'button', onclick: () => {
    for (const f of filters) state.filters[f.name] = '';
    for (const el of filterDetails.querySelectorAll('input, select')) el.value = '';
    state.offset = 0;
    changed();
  } }, 'Clear filters');
  const filterDetails = h('details', { class: 'filters', open: activeFilters > 0 },
    h('summary', {}, 'Filters'), h('div', { class: 'filter-row' }, filterInputs, clear));

  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, title), search),
    filters.length ? filterDetails : null,
    ...between,
    table.element);

  // The interface filter lists the server's interfaces once.
  const ifaceSelect = filterDetails.querySelector('select[name="interface"]');
  if (ifaceSelect) {
    api.get('/interfaces').then(({ interfaces }) => {
      for (const i of interfaces) ifaceSelect.append(h('option', { value: i.name, selected: i.name === state.filters.interface }, i.name));
    }).catch(ctx.showError);
  }

  poller = poll(async () => {
    const answer = await api.get(endpoint, {
      ...fixedParams, ...state.filters, q: state.q, sort: state.sort, order: state.order, offset: state.offset, limit: state.limit,
    });
    // Past the end after rows went away: show the last page instead.
    if (answer.total > 0 && state.offset >= answer.total) {
      state.offset = Math.floor((answer.total - 1) / state.limit) * state.limit;
      changed();  // runs again once this refresh is done
      return;
    }
    table.update(answer.total, answer[itemsKey]);
  }, 2000, ctx.showError);
  return () => poller.stop();
}
