// Control flow in compiled CPU programs: a scan, cond or while equation becomes a loop (or a
// branch) in the generated JS, calling its body compiled as a program of its own (fused and
// buffer-planned like any jaxpr), never the interpreter per iteration.
import { DType, TypedArray, typedArrayCtor } from '../../../core/dtype.js';
import { ClosedJaxpr, JaxprEqn } from '../../../core/jaxpr.js';
import { ControlPrimitive, Params } from '../../../core/primitives.js';
import { sizeOf } from '../../../core/shape.js';

/** A compiled body: typed arrays in (one per input), typed arrays out (fresh or copied). */
export type RawProgram = (inputs: readonly TypedArray[]) => TypedArray[];

interface ControlCodegen<P extends ControlPrimitive> {
  /** The sub-jaxprs the emitted code calls, compiled by the caller into X.bodies[i][k]. */
  bodies(params: Params<P>): readonly ClosedJaxpr[];
  /**
   * Per body, the inputs it may overwrite or hand out (compiled as donated): a loop's carries, which
   * the loop owns (it copies the initial ones), so a step writes its new carry over the old instead
   * of allocating one. Absent: nothing donated.
   */
  donated?(params: Params<P>): readonly (readonly boolean[])[];
  /**
   * The statements computing the equation's outputs into `r${i}` (a list) from `args` (buffer
   * expressions), with helper functions for the program's definitions.
   */
  emit(params: Params<P>, i: number, args: readonly string[], e: JaxprEqn): { defs: string[]; lines: string[] } | null;
}

const ctor = (d: DType) => typedArrayCtor(d).name;

/** Which control-flow equations the CPU compiler emits as code (checkpoint is inlined before planning). */
export const cpuControl: { [P in ControlPrimitive]: ControlCodegen<P> } = {
  // for (t …) { [carry, y] = body(consts, carry, xs[t]) ; ys[t] = y }: the x slices are views
  // (subarray) of the stacked xs, the ys are written into one preallocated array.
  scan: {
    bodies: (p) => [p.jaxpr],
    donated: (p) => [p.jaxpr.inAvals.map((_, k) => k >= p.numConsts && k < p.numConsts + p.numCarry)],
    emit: ({ jaxpr, numConsts: nK, numCarry: nC, length, reverse, unroll }, i, args) => {
      const xs = args.slice(nK + nC);
      const xSizes = jaxpr.inAvals.slice(nK + nC).map((a) => sizeOf(a.shape));
      const yAvals = jaxpr.outAvals.slice(nC);
      const carry = Array.from({ length: nC }, (_, c) => `c${c}`);
      const step = [
        `const t = ${reverse ? `${length - 1} - it` : 'it'};`,
        `const o = B([${[...args.slice(0, nK).map((_, k) => `k${k}`), ...carry, ...xs.map((_, k) => `x${k}.subarray(t * ${xSizes[k]}, (t + 1) * ${xSizes[k]})`)].join(', ')}]);`,
        ...carry.map((c, k) => `${c} = o[${k}];`),
        ...yAvals.map((a, k) => `y${k}.set(o[${nC + k}], t * ${sizeOf(a.shape)});`),
      ];
      const u = Math.max(1, Math.min(unroll, length || 1));
      const loop = u === 1
        ? [`for (let it = 0; it < ${length}; it++) {`, ...step.map((l) => '  ' + l), '}']
        : [
            // `unroll` steps per trip of the loop, then the remainder.
            `let it = 0;`,
            `for (; it + ${u} <= ${length};) {`, ...Array.from({ length: u }, () => ['  {', ...step.map((l) => '    ' + l), '  }', '  it++;']).flat(), '}',
            `for (; it < ${length}; it++) {`, ...step.map((l) => '  ' + l), '}',
          ];
      const params = [...args.slice(0, nK).map((_, k) => `k${k}`), ...carry.map((c) => `${c}In`), ...xs.map((_, k) => `x${k}`)];
      return {
        defs: [
          `// scan[length=${length}${reverse ? ' reverse' : ''}${u > 1 ? ` unroll=${u}` : ''}]: the body runs as its own compiled program`,
          `function scan${i}(B, ${params.join(', ')}) {`,
          // The body may write a carry in place: the loop owns copies of the initial ones.
          ...carry.map((c) => `  let ${c} = ${c}In.slice();`),
          ...yAvals.map((a, k) => `  const y${k} = new ${ctor(a.dtype)}(${length * sizeOf(a.shape)});`),
          ...loop.map((l) => '  ' + l),
          `  return [${[...carry, ...yAvals.map((_, k) => `y${k}`)].join(', ')}];`,
          '}',
        ],
        lines: [`const r${i} = scan${i}(X.bodies[${i}][0], ${args.join(', ')});`],
      };
    },
  },
  // The index picks one compiled branch; the others do not run.
  cond: {
    bodies: (p) => p.branches,
    emit: ({ branches }, i, [index, ...ops]) => ({
      defs: [],
      lines: [`const r${i} = X.bodies[${i}][Math.min(Math.max(${index}[0], 0), ${branches.length - 1})]([${ops.join(', ')}]);`],
    }),
  },
  // while (cond(carry)) carry = body(carry), both compiled.
  while: {
    bodies: (p) => [p.condJaxpr, p.bodyJaxpr],
    donated: (p) => [p.condJaxpr.inAvals.map(() => false), p.bodyJaxpr.inAvals.map((_, k) => k >= p.bodyNumConsts)],
    emit: ({ condNumConsts: nCK, bodyNumConsts: nBK }, i, args) => {
      const cc = args.slice(0, nCK), bc = args.slice(nCK, nCK + nBK), carry = args.slice(nCK + nBK);
      const ccP = cc.map((_, k) => `a${k}`), bcP = bc.map((_, k) => `b${k}`);
      return {
        defs: [
          `// while: condition and body run as their own compiled programs`,
          `function while${i}(C, B, ${[...ccP, ...bcP, 'carry'].join(', ')}) {`,
          `  carry = carry.map((c) => c.slice()); // the body may write a carry in place: the loop owns copies`,
          `  while (C([${[...ccP, '...carry'].join(', ')}])[0][0]) carry = B([${[...bcP, '...carry'].join(', ')}]);`,
          `  return carry;`,
          '}',
        ],
        lines: [`const r${i} = while${i}(X.bodies[${i}][0], X.bodies[${i}][1], ${[...cc, ...bc].map((a) => a + ', ').join('')}[${carry.join(', ')}]);`],
      };
    },
  },
  // Inlined by the compiler before planning (backends/fusion/inline.ts): never emitted.
  checkpoint: { bodies: () => [], emit: () => null },
};

export const isControl = (p: string): p is ControlPrimitive => p in cpuControl;
