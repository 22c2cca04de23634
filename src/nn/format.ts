// Printing tensors the way PyTorch's repr does: `tensor([1., 2.], requiresGrad=true)`,
// `tensor(3.5, gradFn=<SumBackward0>)`. The values are laid out by the core's NumPy-style printer;
// this only swaps the frame (`Array(` for `tensor(`, continuation lines shifted one column) and the
// trailing attributes: the device when not the CPU (PyTorch's `device='cuda:0'`), the dtype only
// when it is not a default one, then the autograd state.
import { formatArray, formatValues } from '../core/format.js';
import { DType } from '../core/dtype.js';
import type { Tensor } from './tensor.js';

/** PyTorch omits the dtype for its defaults (float32, int64, bool); int32 is torch.long here. */
const DEFAULT_DTYPES: ReadonlySet<DType> = new Set<DType>(['float32', 'int32', 'bool']);

/** The repr, reading values synchronously (the CPU, or values already on the host; else a note saying how to read them). */
export function formatTensor(t: Tensor): string {
  const a = t.array;
  if (t.device !== 'traced' && t.device !== 'cpu' && !a.hostValues()) {
    return `${t.reprPrefix()}tensor(shape=(${t.shape.join(', ')}${t.shape.length === 1 ? ',' : ''}), device='${t.device}', dtype=${t.dtype}) — values not read back yet: print \`await t.format()\``;
  }
  return frame(t, formatArray(a));
}

/** The repr on any backend: the values are read asynchronously first. */
export async function formatTensorAsync(t: Tensor): Promise<string> {
  let data: ArrayLike<number>;
  try {
    data = await t.array.data();
  } catch {
    return formatTensor(t); // a traced value: no values to read
  }
  return frame(t, formatValues(data, t.shape, t.dtype));
}

function frame(t: Tensor, raw: string): string {
  const extras: string[] = [];
  if (t.device !== 'cpu' && t.device !== 'traced') extras.push(`device='${t.device}'`);
  if (!DEFAULT_DTYPES.has(t.dtype)) extras.push(`dtype=${t.dtype}`);
  if (t.gradFn) extras.push(`gradFn=${t.gradFn.toString()}`);
  else if (t.requiresGrad) extras.push('requiresGrad=true');
  // `Array(BODY, [shape=(...), ]dtype=float32[, weak_type=True])`, the attributes after a space or a line break.
  const framed = /^Array\(([\s\S]*?),\s+(?:shape=\([^)]*\),\s*)?dtype=\w+(?:, weak_type=True)?\)$/.exec(raw);
  const body = framed ? framed[1]!.replace(/\n/g, '\n ') : raw;
  return `${t.reprPrefix()}tensor(${body}${extras.map((e) => `, ${e}`).join('')})`;
}
