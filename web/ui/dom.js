// Building DOM from data without innerHTML, so names from a model file are
// always shown as text and never interpreted as markup.

// el('td', { class: 'number' }, '42') → <td class="number">42</td>
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined));
  return element;
}

// A table with a caption, column headers and rows of cells (strings or
// nodes), inside a container that scrolls sideways on narrow screens.
// Columns marked { numeric: true } are right-aligned.
export function table({ caption, columns, rows, className = '' }) {
  const head = el('thead', {}, el('tr', {}, columns.map((column) =>
    el('th', { scope: 'col', class: column.numeric ? 'numeric' : null }, column.label))));
  const body = el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((cell, index) =>
    el('td', { class: columns[index].numeric ? 'numeric' : null }, cell)))));
  // The caption names the table for screen readers; sighted readers have the heading above it.
  const captionElement = el('caption', { class: 'visually-hidden' }, caption);
  return el('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': caption },
    el('table', { class: className || null }, captionElement, head, body));
}
