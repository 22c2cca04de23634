// The jaxpr IR: typed variables, literals, equations `outvars = prim[params] invars`, closed
// jaxprs with their constants; a printer that reads like JAX's, a type checker, an evaluator.
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { ShapedArray } from './aval.js';
import type { NDArray } from './array.js';
import { JaxprTypeError } from './errors.js';
import { debugging, SourceInfo, withSource } from './debug.js';
import { bind } from './interpreter.js';
import { scalar } from './lax.js';
import { Params, Primitive, shapeRules, isArrayPrimitive } from './primitives.js';

export class Var {
  constructor(readonly aval: ShapedArray) {}
}
/** A scalar constant written inline in the jaxpr. */
export class Literal {
  constructor(readonly value: number, readonly aval: ShapedArray) {}
}
export type Atom = Var | Literal;

export interface JaxprEqn<P extends Primitive = Primitive> {
  readonly primitive: P;
  readonly params: Params<P>;
  readonly inputs: readonly Atom[];
  readonly outvars: readonly Var[];
  /** Where it came from (JAX's source_info): the user's line and pass; recorded while tracing. */
  readonly source?: SourceInfo;
}

/** JAX's jaxpr: typed input, constant and output variables and a list of equations (what makeJaxpr prints and jit compiles). */
export class Jaxpr {
  /**
   * @param constvars Variables bound to constants (a ClosedJaxpr carries their values).
   * @param invars The inputs.
   * @param eqns The equations in order.
   * @param outs The outputs: variables or literals.
   */
  constructor(
    readonly constvars: readonly Var[],
    readonly invars: readonly Var[],
    readonly eqns: readonly JaxprEqn[],
    readonly outs: readonly Atom[],
  ) {}
  /** `{sourceInfo: true}` appends each equation's source line (and pass, when backward) as a comment. */
  toString(opts: PrintOptions = {}): string { return printJaxpr(this, '', opts); }
}

/** A jaxpr with the values of its constvars. */
export class ClosedJaxpr {
  /**
   * @param jaxpr The jaxpr.
   * @param consts The values of its constvars, in order.
   */
  constructor(readonly jaxpr: Jaxpr, readonly consts: readonly NDArray[]) {}
  /** The avals of the inputs. */
  get inAvals(): ShapedArray[] { return this.jaxpr.invars.map((v) => v.aval); }
  /** The avals of the outputs. */
  get outAvals(): ShapedArray[] { return this.jaxpr.outs.map((v) => v.aval); }
  /** The jaxpr as JAX prints it. */
  toString(opts: PrintOptions = {}): string { return printJaxpr(this.jaxpr, '', opts); }
}

// ---- evaluation ------------------------------------------------------------------------------
/** Runs a jaxpr by binding each equation on the current interpreter, so every transform can run it. */
export function evalJaxpr(jaxpr: Jaxpr, consts: readonly NDArray[], args: readonly NDArray[]): NDArray[] {
  const env = new Map<Var, NDArray>();
  const read = (a: Atom): NDArray => {
    if (a instanceof Literal) return scalar(a.value, a.aval.dtype, a.aval.weakType);
    const v = env.get(a);
    if (!v) throw new JaxprTypeError('evalJaxpr: a variable is read before it is defined');
    return v;
  };
  if (args.length !== jaxpr.invars.length) throw new JaxprTypeError(`evalJaxpr: expected ${jaxpr.invars.length} arguments, got ${args.length}`);
  jaxpr.constvars.forEach((v, i) => env.set(v, consts[i]!));
  jaxpr.invars.forEach((v, i) => env.set(v, args[i]!));
  for (const eqn of jaxpr.eqns) {
    // Debugging NaNs: a re-run equation is reported at its recorded source, not at this loop.
    const outs = debugging && eqn.source
      ? withSource(eqn.source, () => bind(eqn.primitive, eqn.inputs.map(read), eqn.params))
      : bind(eqn.primitive, eqn.inputs.map(read), eqn.params);
    eqn.outvars.forEach((v, i) => env.set(v, outs[i]!));
  }
  return jaxpr.outs.map(read);
}
export const evalClosedJaxpr = (cj: ClosedJaxpr, args: readonly NDArray[]): NDArray[] => evalJaxpr(cj.jaxpr, cj.consts, args);

// ---- type checking ------------------------------------------------------------------------------
/** Checks that every variable is defined once before use and each equation's outputs match its shape rule. */
export function typecheckJaxpr(jaxpr: Jaxpr): E.Either<string, ShapedArray[]> {
  const defined = new Set<Var>();
  const define = (v: Var, where: string): E.Either<string, void> => {
    if (defined.has(v)) return E.left(`${where}: variable of type ${v.aval.str()} is defined twice`);
    defined.add(v);
    return E.right(undefined);
  };
  const use = (a: Atom, where: string): E.Either<string, ShapedArray> =>
    a instanceof Literal || defined.has(a) ? E.right(a.aval) : E.left(`${where}: variable of type ${a.aval.str()} is used before it is defined`);
  const sequence = <T>(xs: E.Either<string, T>[]): E.Either<string, T[]> => {
    const out: T[] = [];
    for (const x of xs) { if (E.isLeft(x)) return x; out.push(x.right); }
    return E.right(out);
  };
  const checkEqn = (eqn: JaxprEqn, i: number): E.Either<string, void> => {
    const where = `equation ${i} (${eqn.primitive})`;
    return pipe(
      sequence(eqn.inputs.map((a) => use(a, where))),
      E.chain((inAvals) =>
        isArrayPrimitive(eqn.primitive)
          ? pipe(shapeRules[eqn.primitive](inAvals, eqn.params as never), E.mapLeft((m) => `${where}: ${m}`))
          : E.right(eqn.outvars.map((v) => v.aval)),
      ),
      E.chain((outAvals) => {
        if (outAvals.length !== eqn.outvars.length) return E.left(`${where}: ${outAvals.length} outputs but ${eqn.outvars.length} variables`);
        for (let k = 0; k < outAvals.length; k++) {
          if (!outAvals[k]!.equals(eqn.outvars[k]!.aval)) return E.left(`${where}: output ${k} is ${outAvals[k]!.str()} but its variable is typed ${eqn.outvars[k]!.aval.str()}`);
        }
        return pipe(sequence(eqn.outvars.map((v) => define(v, where))), E.map(() => undefined));
      }),
    );
  };
  return pipe(
    sequence([...jaxpr.constvars, ...jaxpr.invars].map((v) => define(v, 'binders'))),
    E.chain(() => sequence(jaxpr.eqns.map((e, i) => checkEqn(e, i)))),
    E.chain(() => sequence(jaxpr.outs.map((a) => use(a, 'outputs')))),
  );
}

// ---- printing --------------------------------------------------------------------------------
/** The i-th variable name, as JAX prints them: a, b, …, z, aa, ab, … */
export function varName(i: number): string {
  let s = '';
  let n = i;
  do { s = String.fromCharCode(97 + (n % 26)) + s; n = Math.floor(n / 26) - 1; } while (n >= 0);
  return s;
}

/**
 * A jaxpr's variables named in order (constants, inputs, then each equation's outputs), so code
 * generated from it reads against its printed form (the same names while no equation holds a
 * sub-jaxpr, whose variables the printer names in the same sequence).
 */
export function varNames(jaxpr: Jaxpr): Map<Var, string> {
  const names = new Map<Var, string>();
  for (const v of [...jaxpr.constvars, ...jaxpr.invars, ...jaxpr.eqns.flatMap((e) => e.outvars)]) names.set(v, varName(names.size));
  return names;
}
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());

function formatLiteral(l: Literal): string {
  const v = l.aval.dtype === 'bool' ? (l.value ? 'True' : 'False')
    : l.aval.dtype.startsWith('float') ? (Number.isInteger(l.value) ? l.value.toFixed(1) : String(l.value))
    : String(l.value);
  return `${v}:${l.aval.str()}`;
}

const hasJaxpr = (v: unknown): boolean => v instanceof ClosedJaxpr || (Array.isArray(v) && v.some(hasJaxpr));

/** Variable names, shared by a jaxpr and the sub-jaxprs in its params (JAX names them in one sequence). */
export interface PrintOptions { readonly sourceInfo?: boolean }
class Names {
  private readonly names = new Map<Var, string>();
  constructor(readonly opts: PrintOptions = {}) {}
  name(v: Var): string {
    let n = this.names.get(v);
    if (!n) { n = varName(this.names.size); this.names.set(v, n); }
    return n;
  }
}

function formatParam(v: unknown, indent: string, names: Names): string {
  if (v === null || v === undefined) return 'None';
  if (v instanceof ClosedJaxpr) return printWith(v.jaxpr, indent, names);
  if (v instanceof ShapedArray) return v.str();
  if (typeof v === 'function') return v.name || 'fn';
  if (Array.isArray(v)) {
    // A list of jaxprs (cond's branches): one per line, as JAX prints them.
    if (hasJaxpr(v)) return `(\n${v.map((x) => `${indent}  ${formatParam(x, indent + '  ', names)}`).join('\n')}\n${indent})`;
    return `(${v.map((x) => formatParam(x, indent, names)).join(', ')}${v.length === 1 ? ',' : ''})`;
  }
  if (typeof v === 'object') return `{${Object.entries(v as object).map(([k, x]) => `${snake(k)}=${formatParam(x, indent, names)}`).join(' ')}}`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

/** Prints like JAX: `{ lambda ; a:f32[3]. let b:f32[3] = sin a in (b,) }`; sub-jaxprs in params print indented. */
export function printJaxpr(jaxpr: Jaxpr, indent = '', opts: PrintOptions = {}): string {
  return printWith(jaxpr, indent, new Names(opts));
}

function printWith(jaxpr: Jaxpr, indent: string, names: Names): string {
  const name = (v: Var) => names.name(v);
  const binder = (v: Var) => `${name(v)}:${v.aval.str()}`;
  const atom = (a: Atom) => (a instanceof Literal ? formatLiteral(a) : name(a));
  const consts = jaxpr.constvars.map(binder).join(' ');
  const ins = jaxpr.invars.map(binder).join(' ');
  const lines = jaxpr.eqns.map((e) => {
    const lhs = e.outvars.map(binder).join(' ');
    const entries = Object.entries(e.params as object)
      .filter(([k, v]) => v !== undefined && !(k === 'fun' && (e.params as { jaxpr?: unknown }).jaxpr));
    const rhs = e.inputs.map(atom).join(' ') + (names.opts.sourceInfo && e.source
      ? `  # ${e.source.location ?? 'unknown'}${e.source.pass === 'backward' ? ' (backward pass)' : ''}` : '');
    if (entries.some(([, v]) => hasJaxpr(v))) {
      // Params holding jaxprs: one per line, sorted (a call's name first, as JAX's pjit prints), the operands after `]`.
      const pad = indent + '      ';
      const params = entries.sort(([a], [b]) => (a === 'name' ? -1 : b === 'name' ? 1 : snake(a) < snake(b) ? -1 : 1)).map(([k, v]) => `${pad}${snake(k)}=${formatParam(v, pad, names)}`);
      return `${indent}    ${lhs} = ${e.primitive}[\n${params.join('\n')}\n${indent}    ] ${rhs}`.trimEnd();
    }
    const params = entries.map(([k, v]) => `${snake(k)}=${formatParam(v, indent + '    ', names)}`);
    return `${indent}    ${lhs} = ${e.primitive}${params.length ? `[${params.join(' ')}]` : ''} ${rhs}`.trimEnd();
  });
  const outs = jaxpr.outs.map(atom).join(', ');
  const head = `{ lambda ${consts}; ${ins}. let`;
  return `${head}\n${lines.join('\n')}${lines.length ? '\n' : ''}${indent}  in (${outs}${jaxpr.outs.length === 1 ? ',' : ''}) }`;
}
