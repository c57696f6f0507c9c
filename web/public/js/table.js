// A table whose rows come from the server a page at a time: headers that sort
// (buttons), "Showing 1 to 10 of N rows", page buttons and a page size.
// Rows are keyboard focusable; Enter opens a row, arrow keys move between rows.
import { h, fill } from './dom.js';
import { count } from './format.js';

export const PAGE_SIZES = [10, 25, 50, 100];

// columns: [{label, sort: 'api sort field' (optional), cell: item => node|string, numeric}]
// state: {offset, limit, sort, order}, changed in place; onChange() after a change.
// rowKey(item) keeps focus on the same row across refreshes; rowHref(item) opens it;
// rowClass(item) styles it.
export function pagedTable({ caption, columns, state, onChange, rowKey, rowHref, rowClass }) {
  const headRow = h('tr');
  const tbody = h('tbody');
  const info = h('span', { class: 'page-info', 'aria-live': 'polite' });
  const pager = h('span', { class: 'pager' });
  const sizeSelect = h('select', { 'aria-label': 'Rows per page' },
    PAGE_SIZES.map((n) => h('option', { value: n, selected: n === state.limit }, String(n))));
  sizeSelect.addEventListener('change', () => {
    state.limit = Number(sizeSelect.value);
    state.offset = 0;
    onChange();
  });
  const table = h('table', { class: 'data' },
    caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
    h('thead', {}, headRow), tbody);
  const element = h('div', { class: 'paged-table' },
    h('div', { class: 'table-scroll' }, table),
    h('div', { class: 'table-footer' }, info, h('label', {}, 'Rows ', sizeSelect), pager));

  function drawHead() {
    fill(headRow, columns.map((c) => {
      const th = h('th', { scope: 'col', class: c.numeric ? 'num' : null });
      if (!c.sort) { th.textContent = c.label; return th; }
      const active = state.sort === c.sort;
      th.setAttribute('aria-sort', active ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none');
      const arrow = active ? (state.order === 'asc' ? ' ▲' : ' ▼') : '';
      th.append(h('button', {
        type: 'button', class: 'sort', 'data-sort': c.sort,
        onclick: () => {
          if (state.sort === c.sort) state.order = state.order === 'asc' ? 'desc' : 'asc';
          else { state.sort = c.sort; state.order = 'desc'; }
          state.offset = 0;
          onChange();
        },
      }, c.label, h('span', { class: 'arrow', 'aria-hidden': 'true' }, arrow)));
      return th;
    }));
  }

  function pageButton(label, offset, disabled, current = false) {
    return h('button', {
      type: 'button', disabled, 'aria-current': current ? 'page' : null,
      onclick: () => { state.offset = offset; onChange(); },
    }, label);
  }

  function drawFooter(total) {
    const first = total === 0 ? 0 : state.offset + 1;
    const last = Math.min(state.offset + state.limit, total);
    info.textContent = `Showing ${count(first)} to ${count(last)} of ${count(total)} rows`;
    const pages = Math.max(1, Math.ceil(total / state.limit));
    const page = Math.floor(state.offset / state.limit);
    const buttons = [pageButton('«', 0, page === 0), pageButton('‹', (page - 1) * state.limit, page === 0)];
    const from = Math.max(0, Math.min(page - 2, pages - 5));
    for (let p = from; p < Math.min(pages, from + 5); p++) {
      buttons.push(pageButton(String(p + 1), p * state.limit, false, p === page));
    }
    buttons.push(pageButton('›', (page + 1) * state.limit, page >= pages - 1));
    buttons.push(pageButton('»', (pages - 1) * state.limit, page >= pages - 1));
    fill(pager, buttons);
  }

  function drawRows(items) {
    const focused = document.activeElement;
    const focusedKey = focused && tbody.contains(focused) && focused.dataset.key;
    const rows = items.map((item) => {
      const tr = h('tr', { 'data-key': rowKey ? rowKey(item) : null, class: rowClass ? rowClass(item) : null },
        columns.map((c) => h('td', { class: c.numeric ? 'num' : null }, c.cell(item))));
      if (rowHref) {
        tr.tabIndex = 0;
        tr.classList.add('clickable');
        tr.addEventListener('click', (e) => {
          if (!e.target.closest('a, button')) location.hash = rowHref(item);
        });
      }
      return tr;
    });
    if (rows.length === 0) {
      rows.push(h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, 'Nothing matches.')));
    }
    fill(tbody, rows);
    if (focusedKey) {
      const again = [...tbody.rows].find((r) => r.dataset.key === focusedKey);
      if (again) again.focus();
    }
  }

  tbody.addEventListener('keydown', (e) => {
    const tr = e.target.closest('tr');
    if (!tr || e.target !== tr) return;
    if (e.key === 'Enter' && rowHref) { tr.click(); e.preventDefault(); }
    if (e.key === 'ArrowDown' && tr.nextElementSibling) { tr.nextElementSibling.focus(); e.preventDefault(); }
    if (e.key === 'ArrowUp' && tr.previousElementSibling) { tr.previousElementSibling.focus(); e.preventDefault(); }
  });

  drawHead();
  return {
    element,
    // total: the server's count; items: this page.
    update(total, items) {
      drawHead();
      sizeSelect.value = String(state.limit);
      drawFooter(total);
      drawRows(items);
    },
  };
}

// A small table drawn from a list already in hand (top 10s, a host's peers).
export function simpleTable({ caption, columns, items, rowHref }) {
  return h('table', { class: 'data compact' },
    caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label)))),
    h('tbody', {}, items.length === 0
      ? h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, 'None.'))
      : items.map((item) => {
        const tr = h('tr', {}, columns.map((c) => h('td', { class: c.numeric ? 'num' : null }, c.cell(item))));
        if (rowHref) {
          tr.classList.add('clickable');
          tr.addEventListener('click', (e) => { if (!e.target.closest('a, button')) location.hash = rowHref(item); });
        }
        return tr;
      })));
}
