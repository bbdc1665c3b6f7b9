// The page's pure helpers, in node: the command line it shows, transform
// strings it writes, and result file names.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { shellQuote, splitCommandLine, transformCommandLine } from '../../web/lib/command_line.js';
import { resultFileName } from '../../web/lib/output_names.js';
import { formatTransform, formatTransformList, transformNames } from '../../web/lib/transform_text.js';

test('command lines quote what the shell would split, and split back into the same words', () => {
  assert.equal(shellQuote('model.pb'), 'model.pb');
  assert.equal(shellQuote('my model.pb'), "'my model.pb'");
  assert.equal(shellQuote("it's.pb"), "'it'\\''s.pb'");
  assert.equal(shellQuote(''), "''");
  const line = transformCommandLine({
    inputFile: "Jo's model.pb",
    outputFile: "Jo's model_quantized.pb",
    request: { transforms: 'strip_unused_nodes(type=float, shape="1,2") quantize_weights', inputs: ['a', 'b'] },
  });
  assert.equal(line, "modelquant transform 'Jo'\\''s model.pb' -o 'Jo'\\''s model_quantized.pb' --inputs a,b " +
    "--transforms 'strip_unused_nodes(type=float, shape=\"1,2\") quantize_weights'");
  assert.deepEqual(splitCommandLine(line), ['modelquant', 'transform', "Jo's model.pb", '-o', "Jo's model_quantized.pb",
    '--inputs', 'a,b', '--transforms', 'strip_unused_nodes(type=float, shape="1,2") quantize_weights']);
  assert.equal(transformCommandLine({ inputFile: 'm.pb', outputFile: 'm_optimized.pb', request: { recipe: 'fix_missing_kernel_errors', shape: '1,28,28,1' } }),
    'modelquant transform m.pb -o m_optimized.pb --recipe fix_missing_kernel_errors --shape 1,28,28,1');
});

test('transforms are written in transform_graph syntax, quoting values that need it', () => {
  assert.equal(formatTransform({ name: 'quantize_weights' }), 'quantize_weights');
  assert.equal(formatTransform({ name: 'strip_unused_nodes', params: [['type', 'float'], ['shape', '1,224,224,3']] }),
    'strip_unused_nodes(type=float, shape="1,224,224,3")');
  assert.equal(formatTransformList([
    { name: 'remove_nodes', params: [['op', 'Identity'], ['op', 'CheckNumerics']] },
    { name: 'rename_attribute', params: [['old_attribute_name', 'a b']] },
  ]), 'remove_nodes(op=Identity, op=CheckNumerics) rename_attribute(old_attribute_name="a b")');
  assert.deepEqual(transformNames('strip_unused_nodes(type=float, shape="1,2") fold_constants(ignore_errors=true)\n quantize_weights'),
    ['strip_unused_nodes', 'fold_constants', 'quantize_weights']);
  assert.deepEqual(transformNames('a(x="b c(d)") e'), ['a', 'e']);
});

test('result names say what happened to the model', () => {
  assert.equal(resultFileName('model.pb', ['strip_unused_nodes', 'fold_constants']), 'model_optimized.pb');
  assert.equal(resultFileName('model.pb', ['fold_constants', 'quantize_weights']), 'model_quantized.pb');
  assert.equal(resultFileName('model.pbtxt', ['round_weights'], 'text'), 'model_quantized.pbtxt');
  assert.equal(resultFileName('weights.h5', ['fold_constants']), 'weights_optimized.pb');
  assert.equal(resultFileName('archive.tar', []), 'archive.tar_optimized.pb');
});
