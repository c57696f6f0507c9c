// Builds DOM nodes. Every string becomes a text node or an attribute value,
// never markup: process names, command lines and host names come from
// outside and must show as the text they are.

// h('a', {href: '#/x', class: 'y', onclick: f}, 'text', childNode, [more])
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  setProps(el, props);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function svg(tag, props = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setProps(el, props);
  append(el, children);
  return el;
}

function setProps(el, props) {
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name === 'style') {
      Object.assign(el.style, value);
    } else {
      el.setAttribute(name === 'className' ? 'class' : name, value === true ? '' : String(value));
    }
  }
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// Replaces el's children.
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// A link to a route of the console, e.g. link(`#/hosts/${ip}`, ip).
export function link(href, ...children) {
  return h('a', { href }, ...children);
}

// A two-column table of [label, value] rows; value may be a node.
export function keyValueTable(rows, caption) {
  return h('table', { class: 'kv' },
    caption ? h('caption', {}, caption) : null,
    h('tbody', {}, rows.filter(Boolean).map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v)))));
}

export function section(title, ...children) {
  return h('section', { class: 'panel' }, h('h2', {}, title), ...children);
}

const FOCUSABLE = 'a[href], button, input, select, summary, [tabindex]';

// Replaces el's children with a fresh rendering, and puts the keyboard focus
// back on the element at the same place (a live refresh must not throw the
// user's focus away).
export function refill(el, ...children) {
  const active = document.activeElement;
  const before = el.contains(active) ? [...el.querySelectorAll(FOCUSABLE)].indexOf(active) : -1;
  fill(el, ...children);
  if (before >= 0) {
    const again = el.querySelectorAll(FOCUSABLE)[before];
    if (again) again.focus({ preventScroll: true });
  }
  return el;
}
