// vmap on WebGPU, kept small for the software adapter (every row of every primitive runs under vmap
// on the CPU): one row of each family of batching rule, mixed mapped and unmapped operands, as
// jit(vmap(…)) against the CPU's loop; per-example gradients eagerly and under jit.
import { test } from 'uvu';
import { grad, jit, np, random, vmap } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';
import { ARRAY_PRIMITIVES, ArrayPrimitive } from '../../src/core/primitives.js';
import { PRIMITIVE_CASES } from '../helpers/primitive-cases.js';
import { mappingsFor, runRowUnderVmap } from '../helpers/vmap-cases.js';
import { assertClose, gpuSuite, onCpu } from '../helpers/webgpu.js';

const gpuTest = gpuSuite(test, 'vmap.webgpu.test');

// One primitive per batching helper or hand-written rule.
const FAMILIES: ArrayPrimitive[] = ['mul', 'exp', 'select', 'reduce_sum', 'argmax', 'transpose', 'pad', 'concatenate', 'gather', 'scatter_add', 'sort', 'dot_general', 'threefry2x32'];
for (const prim of ARRAY_PRIMITIVES.filter((p) => FAMILIES.includes(p))) {
  const c = (PRIMITIVE_CASES[prim] as (typeof PRIMITIVE_CASES)[ArrayPrimitive]).find((r) => r.inputs.every((s) => s.dtype !== 'float64') && r.expected.every((s) => s.dtype !== 'float64'));
  if (!c) continue;
  const ms = mappingsFor(c.inputs.length);
  const m = ms[ms.length - 1]!;
  gpuTest(`jit(vmap(${prim})): ${c.name}, ${m.name}`, async () => {
    const { batched } = runRowUnderVmap(prim, c as never, m, true, false);
    const { loop, tol } = onCpu(() => runRowUnderVmap(prim, c as never, m, false));
    for (let k = 0; k < loop.length; k++) await assertClose(batched[k]!, loop[k]!, tol, `output ${k}`);
  });
}

gpuTest('per-example gradients of a two-layer net: vmap(grad) and jit(vmap(grad)) against the CPU loop', async () => {
  const make = () => {
    const k = random.split(random.key(3), 4);
    return [random.normal(k.get(0), [5, 8]), random.normal(k.get(1), [8, 2]), random.normal(k.get(2), [6, 5]), random.normal(k.get(3), [6, 2])] as const;
  };
  const loss = (w1: NDArray, w2: NDArray, x: NDArray, y: NDArray) => np.maximum(x.matmul(w1), 0).matmul(w2).sub(y).square().sum();
  const perExample = vmap(grad(loss, { argnums: [0, 1] }), { inAxes: [null, null, 0, 0] });
  const [w1, w2, x, y] = make();
  const eager = perExample(w1, w2, x, y) as NDArray[];
  const jitted = jit(perExample)(w1, w2, x, y) as NDArray[];
  const ref = onCpu(() => {
    const [a, b, c, d] = make();
    const rows = Array.from({ length: 6 }, (_, i) => grad(loss, { argnums: [0, 1] })(a, b, c.get(i), d.get(i)) as NDArray[]);
    return [np.stack(rows.map((r) => r[0]!)), np.stack(rows.map((r) => r[1]!))];
  });
  const tol = { rtol: 1e-4, atol: 1e-4 };
  for (let k = 0; k < 2; k++) {
    await assertClose(eager[k]!, ref[k]!, tol, `eager grad ${k}`);
    await assertClose(jitted[k]!, ref[k]!, tol, `jit grad ${k}`);
  }
});

test.run();
