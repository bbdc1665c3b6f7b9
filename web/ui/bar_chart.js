// A horizontal bar chart made of a list: each row says its label and value in
// text (what a screen reader reads), and a CSS bar shows the proportion.

import { el } from './dom.js';

// entries: [{ label, value }], largest first. `formatValue` turns a value
// into the text shown at the end of its bar. The first `visibleCount` rows
// are shown; the rest sit in a disclosure saying "Show all <count> <itemsName>".
export function barChart({ label, entries, formatValue = String, visibleCount = Infinity, itemsName = 'entries' }) {
  const largest = Math.max(0, ...entries.map((entry) => entry.value));
  const row = ({ label: rowLabel, value }) => {
    const bar = el('span', { class: 'bar', 'aria-hidden': 'true' });
    bar.style.setProperty('--fraction', largest > 0 ? String(value / largest) : '0');
    return el('li', { class: 'bar-row' },
      el('span', { class: 'bar-label' }, rowLabel),
      el('span', { class: 'bar-track' }, bar),
      el('span', { class: 'bar-value' }, formatValue(value)));
  };
  const list = (items) => el('ul', { class: 'bar-chart', 'aria-label': label }, items.map(row));

  if (entries.length <= visibleCount) return list(entries);
  return el('div', {},
    list(entries.slice(0, visibleCount)),
    el('details', { class: 'more' },
      el('summary', {}, `Show all ${entries.length} ${itemsName}`),
      list(entries.slice(visibleCount))));
}
