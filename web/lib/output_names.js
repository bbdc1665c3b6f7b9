// File names for results: "model.pb" optimized → "model_optimized.pb",
// quantized → "model_quantized.pb", as text → "model_quantized.pbtxt".

const MODEL_EXTENSION = /\.(pb|pbtxt|pbtext|txt|h5|hdf5|keras)$/i;

// Transforms that change how weights are stored; a list holding one of them
// gives a "_quantized" file, any other list an "_optimized" one.
const QUANTIZING_TRANSFORMS = new Set(['quantize_weights', 'quantize_nodes', 'round_weights']);

export function baseName(fileName) {
  return (fileName || 'model').replace(MODEL_EXTENSION, '');
}

export function resultSuffix(transformNames) {
  return transformNames.some((name) => QUANTIZING_TRANSFORMS.has(name)) ? '_quantized' : '_optimized';
}

// format: 'binary' → .pb, 'text' → .pbtxt.
export function resultFileName(inputName, transformNames, format = 'binary') {
  return `${baseName(inputName)}${resultSuffix(transformNames)}${format === 'text' ? '.pbtxt' : '.pb'}`;
}
