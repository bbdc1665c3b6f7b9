// Shows a model's summary: overview numbers, inputs and outputs, weights per
// data type, the op histogram and the largest tensors. The summary object is
// the WebAssembly module's `summarize` result, shown as it is.

import { formatBytes, formatCount, formatCountShort, formatShape } from '../lib/format.js';
import { barChart } from './bar_chart.js';
import { el, table } from './dom.js';

const OPS_SHOWN_BEFORE_DISCLOSURE = 15;

// `shapeField(input)`, when given, returns an element to put after the shape
// of an input (a field to give the sizes the graph leaves open), or null.
export function renderSummary(container, fileName, summary, { shapeField = null } = {}) {
  const parts = [
    el('h2', { id: 'summary-heading' }, 'Summary of ', el('span', { class: 'file-name' }, fileName)),
    overview(summary),
    problems(summary),
    section('Inputs', 'inputs', tensorList('Inputs', summary.inputs, 'No inputs (no Placeholder nodes).', shapeField)),
    section('Outputs', 'outputs', tensorList('Outputs', summary.outputs, 'No outputs (every node is consumed).')),
    summary.variables?.length
      ? section('Variables', 'variables', tensorList('Variables', summary.variables, ''))
      : null,
    section('Weights by data type', 'weights', weightsByDtype(summary.weight_bytes_by_dtype)),
    section('Operations', 'ops', opHistogram(summary.op_counts)),
    section('Largest tensors', 'largest', largestTensors(summary.largest_tensors)),
    commandLines(summary.suggested_commands),
  ];
  container.replaceChildren(...parts.filter(Boolean));
}

function section(title, id, content) {
  return el('section', { class: 'summary-part', 'aria-labelledby': `${id}-heading`, 'data-part': id },
    el('h3', { id: `${id}-heading` }, title), content);
}

// Inputs naming missing nodes, and what TensorFlow would log (undecodable values).
function problems({ invalid_inputs: invalidInputs = [], warnings = [] }) {
  if (invalidInputs.length === 0 && warnings.length === 0) return null;
  const items = [
    ...invalidInputs.map(({ node, missing }) => `Node '${node}' has input '${missing}', which does not exist.`),
    ...warnings,
  ];
  return section('Problems', 'problems', el('ul', { class: 'problems' }, items.map((text) => el('li', {}, text))));
}

function overview(summary) {
  const weightTotal = Object.values(summary.weight_bytes_by_dtype ?? {}).reduce((sum, n) => sum + n, 0);
  const facts = [
    ['File size', formatBytes(summary.file_size), 'file-size'],
    ['Nodes', formatCount(summary.node_count), 'node-count'],
    ['Parameters', parameterText(summary.parameter_count), 'parameter-count'],
    ['Weight bytes', formatBytes(weightTotal), 'weight-bytes'],
  ];
  return el('dl', { class: 'overview' }, facts.map(([term, value, name]) =>
    el('div', { class: 'fact' }, el('dt', {}, term), el('dd', { 'data-fact': name }, value))));
}

// 23851784 → "23,851,784 (23.9 M)"; 42 → "42".
function parameterText(count) {
  const full = formatCount(count);
  const short = formatCountShort(count);
  return short === String(count) ? full : `${full} (${short})`;
}

// Inputs, outputs, variables: name, then whichever of op / dtype / shape the
// summary gives (outputs are plain names).
function tensorList(caption, entries = [], emptyText, shapeField = null) {
  if (entries.length === 0) return el('p', { class: 'empty' }, emptyText);
  const tensors = entries.map((entry) => (typeof entry === 'string' ? { name: entry } : entry));
  const has = (key) => tensors.some((tensor) => key in tensor);
  const columns = [{ key: 'name', label: 'Name' }];
  if (has('op')) columns.push({ key: 'op', label: 'Op' });
  if (has('dtype')) columns.push({ key: 'dtype', label: 'Type' });
  if (has('shape')) columns.push({ key: 'shape', label: 'Shape', format: formatShape });
  const cell = (tensor, { key, format }) => {
    const text = format ? format(tensor[key]) : String(tensor[key] ?? '');
    const field = key === 'shape' && shapeField ? shapeField(tensor) : null;
    return field ? el('span', { class: 'shape-cell' }, text, field) : text;
  };
  return table({
    caption,
    columns,
    rows: tensors.map((tensor) => columns.map((column) => cell(tensor, column))),
  });
}

function weightsByDtype(bytesByDtype = {}) {
  const entries = Object.entries(bytesByDtype)
    .map(([dtype, bytes]) => ({ label: dtype, value: bytes }))
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
  if (entries.length === 0) return el('p', { class: 'empty' }, 'No constant weights.');
  return barChart({ label: 'Weight bytes by data type', entries, formatValue: formatBytes });
}

// In the module's order, which is TensorFlow's (by count, descending).
function opHistogram(opCounts = {}) {
  const entries = Object.entries(opCounts).map(([op, count]) => ({ label: op, value: count }));
  if (entries.length === 0) return el('p', { class: 'empty' }, 'The graph has no nodes.');
  return barChart({
    label: 'Number of nodes per operation',
    entries,
    formatValue: formatCount,
    visibleCount: OPS_SHOWN_BEFORE_DISCLOSURE,
    itemsName: 'operations',
  });
}

function largestTensors(tensors = []) {
  if (tensors.length === 0) return el('p', { class: 'empty' }, 'No constant tensors.');
  return table({
    caption: 'Largest constant tensors',
    columns: [
      { label: 'Name' }, { label: 'Type' }, { label: 'Shape' }, { label: 'Size', numeric: true },
    ],
    rows: tensors.map((tensor) => [
      tensor.name, tensor.dtype, formatShape(tensor.shape), formatBytes(tensor.bytes),
    ]),
  });
}

// The command lines TensorFlow's tools would take for this model.
function commandLines(commands) {
  if (!commands || Object.keys(commands).length === 0) return null;
  const titles = { transform_graph: 'Optimize with transform_graph', benchmark_model: 'Benchmark with benchmark_model' };
  return el('details', { class: 'command-lines', 'data-part': 'commands' },
    el('summary', {}, 'Equivalent command lines'),
    Object.entries(commands).map(([tool, line]) => el('div', {},
      el('p', {}, titles[tool] ?? tool),
      el('pre', { tabindex: 0 }, el('code', {}, line)))));
}
