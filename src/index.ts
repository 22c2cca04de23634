// cotangent: the public surface. `np` for arrays, the transforms at top level, `random`, `tree`, `lax`.
import './core/eval.js';
import './backends/cpu/index.js';
import * as np from './core/np.js';
import * as lax from './lax.js';
import './transforms/higher-order-table.js';
import * as random from './random.js';
import * as nn from './lib/nn.js';
import * as special from './lib/special.js';

export { np, lax, random, nn, special };
export { NDArray as Array, ConcreteArray, Tracer } from './core/array.js';
export type { ArrayLike, NestedArray } from './core/array.js';
export type { DType } from './core/dtype.js';
export { ShapedArray } from './core/aval.js';
export { setDefaultBackend, getBackend, registerBackend } from './core/backend.js';
export type { Backend, DeviceBuffer } from './core/backend.js';
export * from './core/errors.js';
export { debugNans, debugInfs } from './core/debug.js';
import * as tree from './core/tree.js';
import type { ArgTangents, ArrayTree, PyTree } from './core/tree.js';
import { NDArray } from './core/array.js';
export { tree };
export type { ArgTangents, ArrayTree, PyTree };
export { jvp } from './transforms/jvp.js';
export type { JvpOptions } from './transforms/jvp.js';
export { vjp, vjpWithAux, grad, valueAndGrad, linearize, linearizeWithAux } from './transforms/grad.js';
export { jacfwd, jacrev, jacobian, hessian } from './transforms/jacobian.js';
export type { JacobianOptions, JacobianOf } from './transforms/jacobian.js';
export type { Argnums, GradOf, GradOptions, ScalarOutput } from './transforms/grad.js';
export { makeJaxpr } from './transforms/make-jaxpr.js';
export { vmap } from './transforms/vmap.js';
export type { VmapOptions, AxisSpec } from './transforms/vmap.js';
export { customJvp, customVjp, stopGradient } from './transforms/custom.js';
export { checkpoint, remat, checkpointPolicies } from './control/index.js';
export type { CheckpointOptions, ScanOptions } from './control/index.js';
export type { CheckpointPolicy } from './core/primitives.js';
export { ClosedJaxpr, Jaxpr, typecheckJaxpr, evalJaxpr } from './core/jaxpr.js';
export { jit, disableJit, setLogCompiles } from './transforms/jit.js';
export type { JitOptions, JittedFunction, Lowered } from './transforms/jit.js';
export { initWebGPU, destroyWebGPU, memoryStats, emptyCache, setCacheLimit, setMatmulKernel, matmulKernel } from './backends/webgpu/index.js';
export type { MatmulKernel } from './backends/webgpu/index.js';
export { useBackend } from './backends/select.js';

/** Waits until every array in a pytree has been computed (JAX's `jax.block_until_ready`); returns the tree. */
export async function blockUntilReady<T extends PyTree>(t: T): Promise<T> {
  await Promise.all(tree.leaves(t).map((x) => (x instanceof NDArray ? x.blockUntilReady() : undefined)));
  return t;
}
