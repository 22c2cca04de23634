// ONNX export checked by a real engine: every row of the primitive table lowered to a one-node
// program, run in ONNX Runtime (onnxruntime-node) and compared with the expected values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../src/index.js';
import { ShapedArray } from '../src/core/aval.js';
import { allocTyped } from '../src/core/dtype.js';
import { ClosedJaxpr, Jaxpr, Var } from '../src/core/jaxpr.js';
import { ARRAY_PRIMITIVES, ArrayPrimitive } from '../src/core/primitives.js';
import { lowerToBytes } from '../src/backends/onnx/lower.js';
import { OnnxLoweringError } from '../src/backends/onnx/builder.js';
import { loadOrt, ortLoadError, OrtProgram } from '../src/backends/onnx/runtime.js';
import { ArraySpec, flatValues, mismatch, PRIMITIVE_CASES, PrimitiveCase, specStorage } from './helpers/primitive-cases.js';

const ort = loadOrt();
test('onnxruntime-node loads', () => { assert.ok(ort, `onnxruntime-node did not load: ${ortLoadError()}`); });

const typed = (s: ArraySpec) => specStorage(s);

/** A one-equation jaxpr for a table row. */
function oneEquation(prim: ArrayPrimitive, c: PrimitiveCase): ClosedJaxpr {
  const invars = c.inputs.map((s) => new Var(new ShapedArray(s.shape, s.dtype)));
  const outvars = c.expected.map((s) => new Var(new ShapedArray(s.shape, s.dtype)));
  return new ClosedJaxpr(new Jaxpr([], invars, [{ primitive: prim, params: c.params as never, inputs: invars, outvars }], outvars), []);
}

for (const prim of ARRAY_PRIMITIVES) {
  for (const c of PRIMITIVE_CASES[prim] as PrimitiveCase[]) {
    test(`onnx ${prim}: ${c.name}`, () => {
      if (!ort) throw new Error(`onnxruntime-node is not available: ${ortLoadError()}`);
      const cj = oneEquation(prim, c);
      if (c.noOnnx) {
        assert.throws(() => lowerToBytes(cj), (e: Error) => e instanceof OnnxLoweringError && e.message.includes(c.noOnnx!), `expected an OnnxLoweringError mentioning '${c.noOnnx}'`);
        return;
      }
      const bytes = lowerToBytes(cj);
      const prog = new OrtProgram(bytes, cj.inAvals.map((aval, i) => ({ name: `x${i}`, aval })), cj.outAvals.map((aval, i) => ({ name: `y${i}`, aval })), { threads: 1 });
      const outs = prog.run(c.inputs.map(typed));
      prog.dispose();
      c.expected.forEach((e, i) => {
        const bad = mismatch(Array.from(outs[i]!, Number), flatValues(e), e.dtype, c.tol);
        assert.ok(bad === null, `output ${i}: ${bad}`);
      });
    });
  }
}

test.run();
