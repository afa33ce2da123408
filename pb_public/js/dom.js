// A tiny element builder. Text always goes in as text, never as HTML.

// h('p', {class: 'x', onclick: fn}, 'text', child) builds an element. A string value is an
// attribute; a boolean or a number is a property (hidden, checked, disabled, progress value).
export function h(tag, attrs = {}, ...children) {
  const el = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else if (k in el && !el.namespaceURI.endsWith('svg') && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// fill empties an element and fills it with children.
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// field builds a labelled input with a hint and an error slot, linked for screen readers.
let ids = 0;
export function field({ label, hint, name, type = 'text', required = false, ...attrs }) {
  const id = 'f-' + name + '-' + ++ids;
  const hintEl = hint ? h('p', { class: 'hint', id: id + '-hint' }, hint) : null;
  const errEl = h('p', { class: 'error', id: id + '-err', hidden: true });
  const input = type === 'textarea'
    ? h('textarea', { id, name, required, ...attrs })
    : h('input', { id, name, type, required, ...attrs });
  input.setAttribute('aria-describedby', [hintEl && hintEl.id, errEl.id].filter(Boolean).join(' '));
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, label), hintEl, input, errEl);
  wrap.input = input;
  wrap.setError = (msg) => {
    errEl.textContent = msg || '';
    errEl.hidden = !msg;
    if (msg) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  return wrap;
}

// choices builds a group of radio buttons in a fieldset.
export function choices({ legend, name, options, value, hint }) {
  const hintId = hint ? 'h-' + name + '-' + ++ids : null;
  const fs = h('fieldset', { class: 'choices', 'aria-describedby': hintId || undefined },
    h('legend', {}, legend),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    options.map(([v, text]) => {
      const id = 'c-' + name + '-' + v + '-' + ++ids;
      return h('div', { class: 'choice' },
        h('input', { type: 'radio', id, name, value: v, checked: v === value }),
        h('label', { for: id }, text));
    }));
  fs.value = () => (fs.querySelector('input:checked') || {}).value;
  return fs;
}

// status is a polite live region for short messages.
export function status(cls = 'status') {
  const el = h('p', { class: cls, role: 'status' });
  el.say = (msg, kind = '') => {
    el.textContent = msg || '';
    el.className = cls + (kind ? ' ' + kind : '');
  };
  return el;
}

// callLinks are the tel: buttons every distress screen shows.
export function telLink(number, text, cls = 'btn call') {
  return h('a', { class: cls, href: 'tel:' + number }, text);
}
