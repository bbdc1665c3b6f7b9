// The result of a run: file size and node count before and after, each
// step, the error each re-encoded weight tensor got (quantize_weights,
// round_weights), what fold_constants could not fold, and the warnings.
// `report` is the module's transform report (`modelquant transform --json`).

import { formatBytes, formatCount, formatMeasure as measure, formatShape } from '../lib/format.js';
import { barChart } from './bar_chart.js';
import { el, table } from './dom.js';

export function renderTransformResult(container, { report, inputName, inputBytes, outputName, outputBytes, milliseconds }) {
  container.replaceChildren(...[
    el('p', { class: 'result-line' }, `${report.steps.length} ${report.steps.length === 1 ? 'transform' : 'transforms'} ran in `,
      `${Math.round(milliseconds)} ms: `, el('code', {}, report.transforms)),
    part('Size', 'sizes', sizeBars(inputName, inputBytes, outputName, outputBytes)),
    nodeFacts(report),
    part('Steps', 'steps', stepsTable(report.steps)),
    part('Quantization error per tensor', 'tensors', tensorTable(report.tensors)),
    notFolded(report.steps),
    warnings(report),
  ].filter(Boolean));
}

function part(title, id, content) {
  return el('section', { class: 'summary-part', 'aria-labelledby': `result-${id}-heading`, 'data-part': `result-${id}` },
    el('h3', { id: `result-${id}-heading` }, title), content);
}

function sizeBars(inputName, inputBytes, outputName, outputBytes) {
  const change = inputBytes > 0 ? (outputBytes / inputBytes) * 100 : 100;
  return el('div', {},
    barChart({
      label: 'File size before and after',
      entries: [{ label: `Before: ${inputName}`, value: inputBytes }, { label: `After: ${outputName}`, value: outputBytes }],
      formatValue: formatBytes,
    }),
    el('p', { class: 'help', 'data-fact': 'size-change' },
      `The result is ${change.toFixed(1)}% of the original's size (${formatCount(outputBytes)} of ${formatCount(inputBytes)} bytes).`));
}

function nodeFacts({ before, after }) {
  const facts = [
    ['Nodes before', formatCount(before.nodes), 'nodes-before'],
    ['Nodes after', formatCount(after.nodes), 'nodes-after'],
    ['Graph bytes before', formatBytes(before.bytes), 'graph-bytes-before'],
    ['Graph bytes after', formatBytes(after.bytes), 'graph-bytes-after'],
  ];
  return el('dl', { class: 'overview' }, facts.map(([term, value, name]) =>
    el('div', { class: 'fact' }, el('dt', {}, term), el('dd', { 'data-fact': name }, value))));
}

function stepsTable(steps) {
  return table({
    caption: 'Each transform with the nodes and bytes before and after it',
    columns: [{ label: 'Transform' }, { label: 'Nodes', numeric: true }, { label: 'Bytes', numeric: true }, { label: 'Time', numeric: true }],
    rows: steps.map((step) => [
      el('span', {}, el('code', {}, step.text || step.name),
        step.error_ignored ? el('span', { class: 'note' }, ` failed, ignored: ${step.ignored_error}`) : null),
      `${formatCount(step.nodes_before)} → ${formatCount(step.nodes_after)}`,
      `${formatBytes(step.bytes_before)} → ${formatBytes(step.bytes_after)}`,
      `${Math.round(step.milliseconds)} ms`,
    ]),
  });
}

function tensorTable(tensors = []) {
  if (tensors.length === 0) return el('p', { class: 'empty' }, 'No weight tensor was re-encoded.');
  return table({
    caption: 'Re-encoded weight tensors with the error each got',
    className: 'tensor-table',
    columns: [
      { label: 'Tensor' }, { label: 'Encoding' }, { label: 'Elements', numeric: true }, { label: 'Bytes', numeric: true },
      { label: 'Max abs error', numeric: true }, { label: 'RMSE', numeric: true }, { label: 'SQNR (dB)', numeric: true },
    ],
    rows: tensors.map((tensor) => [
      tensor.node, tensor.encoding, formatCount(tensor.elements),
      `${formatBytes(tensor.bytes_before)} → ${formatBytes(tensor.bytes_after)}`,
      measure(tensor.max_abs_error), measure(tensor.rmse),
      tensor.sqnr_db === null ? '∞' : tensor.sqnr_db.toFixed(1),
    ]),
  });
}

// What fold_constants left in place and why (its "not folded" warnings and
// counters). Shown when a fold_constants step ran.
function notFolded(steps) {
  const folds = steps.filter((step) => step.name === 'fold_constants');
  if (folds.length === 0) return null;
  const lines = folds.flatMap((step) => step.warnings.filter((warning) => warning.startsWith('not folded')));
  const counts = {};
  for (const step of folds) {
    for (const [counter, value] of Object.entries(step.counters ?? {})) {
      if (counter.startsWith('nodes not folded')) counts[counter] = (counts[counter] ?? 0) + value;
    }
  }
  const content = lines.length === 0
    ? el('p', { class: 'empty' }, 'fold_constants folded everything it could reach: no node was left unfolded.')
    : el('div', {},
      el('ul', { class: 'plain-list' }, Object.entries(counts).map(([counter, value]) =>
        el('li', {}, `${counter.replace('nodes not folded: ', '')}: ${formatCount(value)} ${value === 1 ? 'node' : 'nodes'}`))),
      el('ul', { class: 'warnings' }, lines.map((line) => el('li', {}, line))));
  return part('Not folded', 'not-folded', content);
}

function warnings(report) {
  const lines = [
    ...report.warnings,
    ...report.steps.flatMap((step) => step.warnings
      .filter((warning) => !(step.name === 'fold_constants' && warning.startsWith('not folded')))
      .map((warning) => `${step.name}: ${warning}`)),
  ];
  if (lines.length === 0) return null;
  return part('Warnings', 'warnings', el('ul', { class: 'warnings' }, lines.map((line) => el('li', {}, line))));
}

// The comparison of the original and the result (`modelquant compare --json`).
export function renderComparison(container, { comparison, milliseconds }) {
  const inputs = comparison.inputs.map((input) => `${input.name} ${input.dtype} ${formatShape(input.shape)}`).join(', ');
  container.replaceChildren(
    el('p', { 'data-fact': 'verify-verdict', class: comparison.within_tolerance ? 'verdict good' : 'verdict bad' },
      comparison.within_tolerance
        ? `Every output is within tolerance (rtol ${comparison.rtol}, atol ${comparison.atol}).`
        : `Some outputs differ beyond tolerance (rtol ${comparison.rtol}, atol ${comparison.atol}).`),
    el('p', { class: 'help' }, `Random inputs: ${inputs || 'none'}. Both models ran in ${Math.round(milliseconds)} ms.`),
    table({
      caption: 'Largest difference per output between the original and the result',
      className: 'verify-table',
      columns: [
        { label: 'Output' }, { label: 'Shape' }, { label: 'Max abs error', numeric: true },
        { label: 'Max rel error', numeric: true }, { label: 'Outside tolerance', numeric: true },
      ],
      rows: comparison.outputs.map((output) => [
        output.name, formatShape(output.shape),
        output.problem ? output.problem : measure(output.max_abs_error),
        output.problem ? '' : measure(output.max_rel_error),
        output.problem ? '' : `${formatCount(output.mismatched)} of ${formatCount(output.elements)}`,
      ]),
    }));
}
