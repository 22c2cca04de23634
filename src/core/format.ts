// Printing arrays the way JAX's repr does: `Array([[1., 2.],\n       [3., 4.]], dtype=float32)`.
//
// The layout is NumPy 2's (JAX prints through NumPy): elements separated by ", ", rows wrapped at 75 columns under the
// opening bracket, blank lines between blocks of 3-D and higher arrays, and arrays with more than
// 1000 elements summarised to 3 edge items per axis around "...". Floats print the shortest
// decimal that reads back as the same value (at the array's precision), at most 8 fraction
// digits, aligned on the decimal point; scientific notation is used when the largest magnitude is
// ≥ 1e8, the smallest nonzero one < 1e-4, or their ratio > 1000. The dtype is always shown, and
// `weak_type=True` for weakly typed scalars, as JAX does. Tracers have no values to print: they
// show their aval and interpreter, `Traced<f32[3,4]> with jvp`. An array whose values sit on a
// device that reads only asynchronously (WebGPU) prints them if they are on the host already
// (it was made from host data or read back), else its shape and dtype and how to read it.
//
// array.ts imports this file, so it may only `import type` from array.ts (no runtime cycle).
import type { NDArray, Tracer } from './array.js';
import { DType, isFloat } from './dtype.js';
import { f16round } from './float16.js';

const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const MAX_FRACTION_DIGITS = 8;

/** Max of a list without spreading it into arguments (which overflows the stack for long lists). */
const maxOf = (xs: readonly number[], init: number): number => xs.reduce((m, v) => (v > m ? v : m), init);
const minOf = (xs: readonly number[], init: number): number => xs.reduce((m, v) => (v < m ? v : m), init);

const isTracer = (x: NDArray): x is Tracer => 'interpreter' in x && typeof (x as Tracer).concreteValue === 'function';

const shapeText = (shape: readonly number[]) => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;

/** The repr, reading values synchronously where the backend can or the host holds a copy. */
export function formatArray(x: NDArray): string {
  if (isTracer(x)) {
    const head = `Traced<${x.aval.str()}> with ${x.interpreter.kind}`;
    const value = x.concreteValue();
    return value ? `${head}, value ${formatArray(value)}` : head;
  }
  if ((x as { isDisposed?: boolean }).isDisposed) return `Array(shape=${shapeText(x.shape)}, dtype=${x.dtype}) (disposed)`;
  const data = x.hostValues();
  if (!data) {
    return `Array(shape=${shapeText(x.shape)}, dtype=${x.dtype}${x.weakType ? ', weak_type=True' : ''}) on ${x.device}, not read back yet: print \`await x.format()\` or read \`await x.data()\``;
  }
  return formatValues(data, x.shape, x.dtype, x.weakType);
}

/** The repr on any backend, reading the values asynchronously first (tracers print as in formatArray). */
export async function formatArrayAsync(x: NDArray): Promise<string> {
  if (isTracer(x) && !x.concreteValue()) return formatArray(x);
  return formatValues(await x.data(), x.shape, x.dtype, x.weakType);
}

/** The repr of row-major `data` of the given shape and dtype. */
export function formatValues(data: ArrayLike<number>, shape: readonly number[], dtype: DType, weakType = false, prefix = 'Array('): string {
  const size = shape.reduce((a, b) => a * b, 1);
  const summarize = size > THRESHOLD;
  const extras: string[] = [];
  if ((size === 0 && shape.length !== 1) || summarize) extras.push(`shape=${shapeText(shape)}`);
  extras.push(`dtype=${dtype}`);
  if (weakType) extras.push('weak_type=True');
  let body: string;
  if (size === 0) body = '[]';
  else {
    const shown = shownIndices(shape, summarize);
    const format = formatterFor(shown.map((i) => data[i]!), dtype);
    body = layout(data, shape, format, summarize, ' '.repeat(prefix.length + 1), LINE_WIDTH - 1);
  }
  const head = `${prefix}${body},`;
  const tail = `${extras.join(', ')})`;
  const lastLine = head.length - (head.lastIndexOf('\n') + 1);
  return head + (lastLine + tail.length + 1 > LINE_WIDTH ? `\n${' '.repeat(prefix.length)}` : ' ') + tail;
}

/** Which elements get printed: all of them, or 3 at each end of every axis when summarising. */
function shownIndices(shape: readonly number[], summarize: boolean): number[] {
  const out: number[] = [];
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const rec = (axis: number, offset: number): void => {
    if (axis === shape.length) { out.push(offset); return; }
    for (const i of edgeRange(shape[axis]!, summarize)) rec(axis + 1, offset + i * strides[axis]!);
  };
  rec(0, 0);
  return out;
}
function edgeRange(n: number, summarize: boolean): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  return summarize && n > 2 * EDGE_ITEMS ? [...all.slice(0, EDGE_ITEMS), ...all.slice(n - EDGE_ITEMS)] : all;
}

// ---- element formatting ------------------------------------------------------------------------

/** A function printing one element, padded to a common width chosen from the shown elements. */
function formatterFor(values: readonly number[], dtype: DType): (v: number) => string {
  if (dtype === 'bool') {
    const width = values.some((v) => !v) ? 5 : 4;
    return (v) => (v ? 'True' : 'False').padStart(width);
  }
  if (!isFloat(dtype)) {
    const width = maxOf(values.map((v) => String(v).length), 0);
    return (v) => String(v).padStart(width);
  }
  return floatFormatter(values, dtype === 'float32' ? Math.fround : dtype === 'float16' ? f16round : null);
}

/** Shortest decimal digits that read back as v (at the precision `round` rounds to, e.g. float32's; null: double): [sign, digits, exponent] of ±d.ddd × 10^exponent. */
function shortest(v: number, round: ((x: number) => number) | null): { negative: boolean; digits: string; exponent: number } {
  const a = Math.abs(v);
  let s = a.toExponential();
  if (round) {
    for (let p = 0; p <= 8; p++) {
      const t = a.toExponential(p);
      if (round(Number(t)) === a) { s = t; break; }
    }
  }
  const [mant, exp] = s.split('e') as [string, string];
  return { negative: v < 0 || Object.is(v, -0), digits: mant.replace('.', ''), exponent: Number(exp) };
}

/** Strips trailing zeros from a digit string after its first `keep` characters. */
const trimZeros = (s: string, keep = 0): string => s.slice(0, keep) + s.slice(keep).replace(/0+$/, '');

/** Integer part and fraction part of |v| in positional notation, fraction capped at 8 digits (rounded). */
function positional(v: number, round: ((x: number) => number) | null): [string, string] {
  const { negative, digits, exponent } = shortest(v, round);
  const sign = negative ? '-' : '';
  let int: string, frac: string;
  if (exponent >= 0) {
    int = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    frac = digits.slice(exponent + 1);
  } else {
    int = '0';
    frac = '0'.repeat(-exponent - 1) + digits;
  }
  if (frac.length > MAX_FRACTION_DIGITS) {
    [int, frac] = Math.abs(v).toFixed(MAX_FRACTION_DIGITS).split('.') as [string, string];
    frac = trimZeros(frac);
  }
  return [sign + int, trimZeros(frac)];
}

/** Mantissa integer digit, mantissa fraction (≤ 8 digits) and exponent of |v| in scientific notation. */
function scientific(v: number, round: ((x: number) => number) | null): [string, string, number] {
  let { negative, digits, exponent } = shortest(v, round);
  if (digits.length - 1 > MAX_FRACTION_DIGITS) {
    const [m, e] = Math.abs(v).toExponential(MAX_FRACTION_DIGITS).split('e') as [string, string];
    digits = m.replace('.', ''); exponent = Number(e);
  }
  return [(negative ? '-' : '') + digits[0]!, trimZeros(digits.slice(1)), exponent];
}

function floatFormatter(values: readonly number[], round: ((x: number) => number) | null): (v: number) => string {
  const finite = values.filter(Number.isFinite);
  const magnitudes = finite.map(Math.abs).filter((a) => a !== 0);
  const maxAbs = maxOf(magnitudes, 0), minAbs = minOf(magnitudes, Infinity);
  const useScientific = magnitudes.length > 0 && (maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs / minAbs > 1000);
  const nonFinite = (v: number): string => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
  let finiteString: (v: number) => string;
  let width: number;
  if (useScientific) {
    const parts = finite.map((v) => scientific(v, round));
    const intWidth = maxOf(parts.map((p) => p[0].length), 0);
    const fracDigits = maxOf(parts.map((p) => p[1].length), 0);
    const expDigits = maxOf(parts.map((p) => String(Math.abs(p[2])).length), 2);
    finiteString = (v) => {
      const [i, f, e] = scientific(v, round);
      return `${i.padStart(intWidth)}.${f.padEnd(fracDigits, '0')}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(expDigits, '0')}`;
    };
    width = intWidth + 1 + fracDigits + 2 + expDigits;
  } else {
    const parts = finite.map((v) => positional(v, round));
    const intWidth = maxOf(parts.map((p) => p[0].length), 0);
    const fracWidth = maxOf(parts.map((p) => p[1].length), 0);
    finiteString = (v) => {
      const [i, f] = positional(v, round);
      return `${i.padStart(intWidth)}.${f.padEnd(fracWidth)}`;
    };
    width = finite.length ? intWidth + 1 + fracWidth : 0;
  }
  const total = maxOf(values.filter((v) => !Number.isFinite(v)).map((v) => nonFinite(v).length), width);
  return (v) => (Number.isFinite(v) ? finiteString(v) : nonFinite(v)).padStart(total);
}

// ---- layout --------------------------------------------------------------------------------------

/**
 * NumPy's _formatArray: the innermost axis is a row of elements wrapped at `width` under its
 * bracket; outer axes put one sub-array per line, with (axes left − 1) blank lines between.
 */
function layout(data: ArrayLike<number>, shape: readonly number[], format: (v: number) => string, summarize: boolean, indent: string, width: number): string {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const rec = (axis: number, offset: number, hanging: string, lineWidth: number): string => {
    if (axis === shape.length) return format(data[offset]!);
    const n = shape[axis]!;
    const items = edgeRange(n, summarize);
    const gapAfter = summarize && n > 2 * EDGE_ITEMS ? EDGE_ITEMS - 1 : -1;
    const inner = hanging + ' ';
    let s = '';
    if (axis === shape.length - 1) {
      const elemWidth = lineWidth - 1;
      let line = hanging;
      items.forEach((i, k) => {
        const word = format(data[offset + i * strides[axis]!]!);
        [s, line] = extendLine(s, line, word, elemWidth, hanging);
        if (k < items.length - 1) line += ', ';
        if (k === gapAfter) { [s, line] = extendLine(s, line, '...', elemWidth, hanging); line += ', '; }
      });
      s += line;
    } else {
      const sep = ',' + '\n'.repeat(shape.length - axis - 1);
      items.forEach((i, k) => {
        s += hanging + rec(axis + 1, offset + i * strides[axis]!, inner, lineWidth - 1);
        if (k < items.length - 1) s += sep;
        if (k === gapAfter) s += hanging + '...' + sep;
      });
    }
    return '[' + s.slice(hanging.length) + ']';
  };
  return rec(0, 0, indent, width);
}

function extendLine(s: string, line: string, word: string, width: number, hanging: string): [string, string] {
  const wrap = line.length + word.length > width && line.length > hanging.length;
  if (wrap) return [s + line.trimEnd() + '\n', hanging + word];
  return [s, line + word];
}
