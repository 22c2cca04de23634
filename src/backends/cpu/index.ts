// The CPU backend: buffers are typed arrays, every array primitive is a kernel of kernels.ts's table, jit is compile/.
import { ShapedArray } from '../../core/aval.js';
import { Backend, DeviceBuffer, registerBackend } from '../../core/backend.js';
import { isStorageOf, TypedArray } from '../../core/dtype.js';
import { ArrayPrimitive, Params } from '../../core/primitives.js';
import { CpuBuffer, CpuKernel, cpuKernels, sharedStorage } from './kernels.js';
import { compileJaxpr } from './compile/index.js';

function dataOf(buf: DeviceBuffer, op: string): TypedArray {
  if (buf.backend !== 'cpu') throw new Error(`${op}: the cpu backend got a buffer of the ${buf.backend} backend`);
  return (buf as CpuBuffer).data;
}
const wrap = (data: TypedArray): CpuBuffer => ({ backend: 'cpu', data });

export const cpuBackend: Backend = {
  name: 'cpu',
  supportsDtype: () => true,
  fromTypedArray(data, aval) {
    if (!isStorageOf(data, aval.dtype) || data.length !== aval.size) {
      throw new TypeError(`cpu: a ${data.constructor.name} of length ${data.length} cannot hold ${aval.str()}`);
    }
    sharedStorage.add(data.buffer);
    return wrap(data);
  },
  read: (buf) => Promise.resolve(dataOf(buf, 'read')),
  readSync: (buf) => dataOf(buf, 'readSync'),
  execute<P extends ArrayPrimitive>(prim: P, params: Params<P>, inputs: readonly DeviceBuffer[], inAvals: readonly ShapedArray[], outAvals: readonly ShapedArray[]): DeviceBuffer[] {
    const kernel: CpuKernel<P> = cpuKernels[prim];
    const ins = inputs.map((b) => dataOf(b, prim));
    const outs = kernel(ins, params, inAvals, outAvals);
    for (const o of outs) if (ins.some((i) => i.buffer === o.buffer)) sharedStorage.add(o.buffer);
    return outs.map(wrap);
  },
};

// jit: one generated JS function per jaxpr (compile/ calls the kernels of kernels.ts).
cpuBackend.compile = compileJaxpr;
registerBackend(cpuBackend);
