// Turning summary numbers into text a person reads: byte sizes, counts, shapes.

const BYTE_UNITS = ['bytes', 'KB', 'MB', 'GB'];

// 1079210 → "1.08 MB" (decimal units, like file managers), 350 → "350 bytes".
export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return String(bytes);
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  if (unit === 0) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${BYTE_UNITS[unit]}`;
}

// 23851784 → "23,851,784".
export function formatCount(count) {
  return Number.isFinite(count) ? count.toLocaleString('en-US') : String(count);
}

// 23851784 → "23.9 M"; small numbers stay as they are.
export function formatCountShort(count) {
  if (!Number.isFinite(count) || Math.abs(count) < 1000) return String(count);
  const units = ['k', 'M', 'B', 'T'];
  let value = count;
  let unit = -1;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(Math.abs(value) < 10 ? 2 : 1)} ${units[unit]}`;
}

// A shape from the summary as TensorFlow prints it: [-1, 784] → "[?,784]",
// [] → "[]" (a scalar), null (unknown rank, or no shape recorded) → "unknown".
// A string is shown as given.
export function formatShape(shape) {
  if (shape === null || shape === undefined) return 'unknown';
  if (typeof shape === 'string') return shape;
  if (!Array.isArray(shape)) return JSON.stringify(shape);
  return `[${shape.map((dim) => (dim === -1 || dim === null ? '?' : String(dim))).join(',')}]`;
}

// An error measure of a report: 0.0123 → "0.0123", 1.5e-7 → "1.50e-7",
// null (an infinite value, such as the SQNR of an exact encoding) → "∞".
export function formatMeasure(value, digits = 3) {
  if (value === null || value === undefined) return '∞';
  if (value === 0) return '0';
  return Math.abs(value) >= 0.001 && Math.abs(value) < 1e5 ? value.toPrecision(digits) : value.toExponential(digits - 1);
}
