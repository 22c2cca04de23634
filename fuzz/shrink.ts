// Shrinking a failing program: cut the output back to an earlier variable, drop calls by routing a
// call's operand through in its place, then shrink input shapes (keeping the leading block of
// values), as long as the same check still fails. Each candidate is run for real, so the result is
// a program that fails, not one that merely looks smaller.
import { InputSpec, OpNode, Program, prune } from './program.js';

/** The leading block of `s` with axis `axis` cut to `n` entries. */
function shrinkInput(s: InputSpec, axis: number, n: number): InputSpec {
  const shape = [...s.shape];
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const newShape = shape.map((d, i) => (i === axis ? n : d));
  const total = newShape.reduce((a, b) => a * b, 1);
  const values: number[] = [];
  for (let k = 0; k < total; k++) {
    let rest = k, src = 0;
    for (let i = newShape.length - 1; i >= 0; i--) { const c = rest % newShape[i]!; rest = Math.floor(rest / newShape[i]!); src += c * strides[i]!; }
    values.push(s.values[src]!);
  }
  return { ...s, shape: newShape, values };
}

function* candidates(p: Program): Generator<Program> {
  // 1. Dead calls removed, then an earlier output (the smallest program first).
  yield prune(p);
  for (const n of p.body) if (n.out !== p.output) yield prune({ ...p, output: n.out });
  for (const s of p.inputs) if (s.name !== p.output) yield prune({ ...p, output: s.name });
  // 2. Drop a call: its uses read one of its operands instead.
  for (let i = 0; i < p.body.length; i++) {
    const n = p.body[i]!;
    for (const a of new Set(n.args)) {
      const rename = (x: string) => (x === n.out ? a : x);
      const body: OpNode[] = p.body.filter((_, j) => j !== i).map((m) => ({ ...m, args: m.args.map(rename) }));
      yield prune({ inputs: p.inputs, body, output: rename(p.output) });
    }
  }
  // 3. Smaller inputs: an axis cut to 1, to 0, or by one.
  for (let i = 0; i < p.inputs.length; i++) {
    const s = p.inputs[i]!;
    for (let axis = 0; axis < s.shape.length; axis++) {
      const d = s.shape[axis]!;
      for (const n of new Set([1, d - 1, 0])) {
        if (n >= 0 && n < d) yield { ...p, inputs: p.inputs.map((t, j) => (j === i ? shrinkInput(s, axis, n) : t)) };
      }
    }
  }
  // 4. Simpler values: round floats to one decimal.
  for (let i = 0; i < p.inputs.length; i++) {
    const s = p.inputs[i]!;
    if (s.dtype === 'F' && s.values.some((v) => Math.round(v * 10) !== v * 10)) {
      yield { ...p, inputs: p.inputs.map((t, j) => (j === i ? { ...s, values: s.values.map((v) => Math.round(v * 10) / 10) } : t)) };
    }
  }
}

/** Smaller is simpler: fewer calls, then fewer input elements and axes, then rounder values. */
const weight = (p: Program) => p.body.length * 1000 + p.inputs.reduce((s, x) => s + x.values.length + x.shape.length + 0.01 * x.values.filter((v) => Math.round(v * 10) !== v * 10).length, 0);

/** The smallest program found (within `budget` tries) for which `stillFails` holds. */
export async function shrink(p: Program, stillFails: (q: Program) => Promise<boolean>, budget = 300): Promise<{ program: Program; tries: number }> {
  // Start from the program as drawn: a dead call may be what fails (prune is the first candidate).
  let best = p, tries = 0;
  let improved = true;
  while (improved && tries < budget) {
    improved = false;
    for (const c of candidates(best)) {
      if (tries >= budget) break;
      if (weight(c) >= weight(best)) continue;
      tries++;
      if (await stillFails(c)) { best = c; improved = true; break; }
    }
  }
  return { program: best, tries };
}
