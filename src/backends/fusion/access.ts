// Index arithmetic for fused steps, shared by every backend's compiler: affine index forms, movement maps, loop nests, the tree walk.
//
// How transpose, broadcast_in_dim, reshape, slice and rev map a consumer's index into their operand's, how a
// domain's axes merge into fewer loops (or fewer coordinates to unravel), and one tree walk over the
// inlined equations below a value, used by the fusion analysis and by each backend's code generator
// (JS on the CPU, WGSL on WebGPU).
//
// A fused loop runs over a domain (the shape of what it computes) with one index i_d per axis.
// Every array read inside it is at a position that is an affine function of those indices,
// k + Σ_d c_d·i_d: movement primitives only permute, repeat, regroup, offset, stride or reverse axes, so they compose into
// such forms without any per-element work. The one exception is a reshape that splits an axis the
// domain steps through as one index (i → (i div n, i mod n)): below it only the row-major flat
// position is affine, so nodes there that need a multi-index are materialised instead.
import { Atom, JaxprEqn, Literal, Var } from '../../core/jaxpr.js';
import { isElementwise, Params } from '../../core/primitives.js';
import { Shape, sizeOf, stridesOf } from '../../core/shape.js';

/** k + Σ_d c[d]·i_d over the indices of the loop domain. */
export interface Affine { readonly k: number; readonly c: readonly number[] }

/** How a node is read: one form per axis of its shape, or only its row-major flat position. */
export type Access = { readonly multi: readonly Affine[] } | { readonly flat: Affine };

const scaled = (f: Affine, w: number): Affine => ({ k: f.k * w, c: f.c.map((x) => x * w) });
function sum(fs: readonly Affine[], rank: number): Affine {
  let k = 0;
  const c = new Array<number>(rank).fill(0);
  for (const f of fs) { k += f.k; f.c.forEach((x, d) => { c[d]! += x; }); }
  return { k, c };
}
export const constantForm = (k: number, rank: number): Affine => ({ k, c: new Array<number>(rank).fill(0) });
export const formKey = (f: Affine): string => `${f.k}:${f.c.join(',')}`;
export const accessKey = (a: Access): string => ('flat' in a ? `f${formKey(a.flat)}` : a.multi.map(formKey).join('|'));
export const isConstant = (f: Affine): boolean => f.c.every((x) => x === 0);
export const formsEqual = (a: Affine, b: Affine): boolean => a.k === b.k && a.c.every((x, d) => x === b.c[d]);

/**
 * The domain read at its own index: axis d of the node is i_d. Axes of size 1 get the constant 0
 * (their index can only be 0), so forms never carry coefficients that cannot matter.
 */
export function identityAccess(domain: Shape): Access {
  return { multi: domain.map((n, a) => ({ k: 0, c: domain.map((_, d) => (d === a && n !== 1 ? 1 : 0)) })) };
}

/** The row-major flat position of a node of `shape` read with `access`. */
export function flatForm(access: Access, shape: Shape, rank: number): Affine {
  if ('flat' in access) return access.flat;
  const st = stridesOf(shape);
  return sum(access.multi.map((f, a) => scaled(f, st[a]!)), rank);
}

/** The flat position the domain's own element has: what an elementwise (in-place-safe) read looks like. */
export const identityFlat = (domain: Shape): Affine => flatForm(identityAccess(domain), domain, domain.length);

/** One form per axis; from a flat access only when at most one axis is longer than 1. */
function multiForms(access: Access, shape: Shape, rank: number): readonly Affine[] | null {
  if ('multi' in access) return access.multi;
  if (shape.filter((n) => n !== 1).length > 1) return null;
  return shape.map((n) => (n === 1 ? constantForm(0, rank) : access.flat));
}

/**
 * reshape as a map of multi-indices: the non-1 axes of both shapes fall into groups of equal
 * product; a group whose operand side is a single axis reads it at the row-major combination of
 * the group's output indices (merging axes is affine). A group that splits an operand axis is not
 * affine: null.
 */
function reshapeForms(out: readonly Affine[], outShape: Shape, inShape: Shape, rank: number): Affine[] | null {
  const result = inShape.map(() => constantForm(0, rank));
  const oAxes = outShape.map((_, a) => a).filter((a) => outShape[a] !== 1);
  const iAxes = inShape.map((_, a) => a).filter((a) => inShape[a] !== 1);
  let o = 0, i = 0;
  while (o < oAxes.length && i < iAxes.length) {
    const go = [oAxes[o++]!], gi = [iAxes[i++]!];
    let po = outShape[go[0]!]!, pi = inShape[gi[0]!]!;
    while (po !== pi) {
      if (po < pi && o < oAxes.length) { go.push(oAxes[o]!); po *= outShape[oAxes[o++]!]!; }
      else if (pi < po && i < iAxes.length) { gi.push(iAxes[i]!); pi *= inShape[iAxes[i++]!]!; }
      else return null;
    }
    if (gi.length !== 1) return null;
    let w = 1;
    const terms: Affine[] = [];
    for (let t = go.length - 1; t >= 0; t--) { terms.push(scaled(out[go[t]!]!, w)); w *= outShape[go[t]!]!; }
    result[gi[0]!] = sum(terms, rank);
  }
  return o === oAxes.length && i === iAxes.length ? result : null;
}

/** Non-1 axes keep their order: the operand's flat position is the output's. */
const keepsNon1Order = (perm: readonly number[], inShape: Shape): boolean => {
  const live = perm.filter((p) => inShape[p] !== 1);
  return live.every((p, j) => j === 0 || p > live[j - 1]!);
};

/**
 * How a movement equation reads its operand when its output is read with `access`, or null when
 * that is not affine (the caller then materialises the equation's output).
 */
export function operandAccess(eqn: JaxprEqn, access: Access, outShape: Shape, inShape: Shape, rank: number): Access | null {
  if (sizeOf(inShape) === 1) return { multi: inShape.map(() => constantForm(0, rank)) };
  switch (eqn.primitive) {
    case 'transpose': {
      const { permutation } = eqn.params as Params<'transpose'>;
      const m = multiForms(access, outShape, rank);
      if (!m) return keepsNon1Order(permutation, inShape) ? access : null;
      const forms = inShape.map(() => constantForm(0, rank));
      permutation.forEach((p, a) => { forms[p] = m[a]!; });
      return { multi: forms };
    }
    case 'broadcast_in_dim': {
      const { broadcastDimensions } = eqn.params as Params<'broadcast_in_dim'>;
      const m = multiForms(access, outShape, rank);
      if (!m) return sizeOf(inShape) === sizeOf(outShape) ? access : null;
      return { multi: inShape.map((n, k) => (n === 1 ? constantForm(0, rank) : m[broadcastDimensions[k]!]!)) };
    }
    case 'reshape': {
      if ('flat' in access) return access;
      const forms = reshapeForms(access.multi, outShape, inShape, rank);
      return forms ? { multi: forms } : { flat: flatForm(access, outShape, rank) };
    }
    case 'slice': {
      // Operand index along axis a: start_a + stride_a · (output index along a).
      const { startIndices, strides } = eqn.params as Params<'slice'>;
      const m = multiForms(access, outShape, rank);
      if (!m) return null;
      return { multi: inShape.map((_, a) => { const s = strides?.[a] ?? 1, f = scaled(m[a]!, s); return { k: f.k + startIndices[a]!, c: f.c }; }) };
    }
    case 'rev': {
      // A reversed axis reads n - 1 - i: a negative coefficient (GPU code wraps it mod 2^32, exactly).
      const { dimensions } = eqn.params as Params<'rev'>;
      const m = multiForms(access, outShape, rank);
      if (!m) return null;
      return { multi: inShape.map((n, a) => (dimensions.includes(a) ? { k: n - 1 - m[a]!.k, c: m[a]!.c.map((x) => -x) } : m[a]!)) };
    }
    default:
      throw new Error(`operandAccess: ${eqn.primitive} is not a movement primitive`);
  }
}

/** Equations a fused loop computes inline: their value at one index needs only their operands' values. */
export const MOVEMENT = new Set<string>(['broadcast_in_dim', 'reshape', 'transpose', 'slice', 'rev']);
export const isLoopFusible = (p: string): boolean => isElementwise(p) || MOVEMENT.has(p) || p === 'iota';

// ---- loop nests ------------------------------------------------------------------------------------
/** One loop (or one coordinate) over neighbouring domain axes that every index form steps through as one run. */
export interface NestAxis { size: number; readonly kind: 'K' | 'R'; readonly dims: number[] }

/**
 * The loops over a domain (kept 'K' or reduced 'R' axes): axes of size 1 dropped, and neighbours of
 * the same kind merged when every form steps through them as one run (c_a = c_b·n_b), so an
 * elementwise chain over any shape is one loop (one flat index on a GPU), while a transposed read
 * keeps two.
 */
export class Nest {
  readonly axes: NestAxis[] = [];
  constructor(private readonly domain: Shape, kinds: readonly ('K' | 'R')[], forms: readonly Affine[]) {
    for (let a = 0; a < domain.length; a++) {
      const n = domain[a]!;
      if (n === 1) continue;
      const g = this.axes[this.axes.length - 1];
      const inner = g?.dims[g.dims.length - 1];
      if (g && inner !== undefined && g.kind === kinds[a] && forms.every((f) => f.c[inner] === f.c[a]! * n)) { g.size *= n; g.dims.push(a); }
      else this.axes.push({ size: n, kind: kinds[a]!, dims: [a] });
    }
  }
  /** Coefficients of a form per loop. A form the merges do not fit means the nest was chosen without it: a bug. */
  coefs(f: Affine): number[] {
    return this.axes.map((g) => {
      for (let j = 0; j + 1 < g.dims.length; j++) {
        const a = g.dims[j]!, b = g.dims[j + 1]!;
        if (f.c[a] !== f.c[b]! * this.domain[b]!) throw new Error('codegen: an index form does not fit the merged loops');
      }
      return f.c[g.dims[g.dims.length - 1]!]!;
    });
  }
}

/** What a tree walk does at each kind of node; R is the walk's value (leaves found, JS expressions). */
export interface TreeVisitor<R> {
  /** The value of `v` if it is read from a buffer (or is already computed in this loop), else undefined to look inside its equation. */
  leaf(v: Var, access: Access): R | undefined;
  literal(l: Literal): R;
  /** iota's value is its index along `dimension`, the form given. */
  iota(eqn: JaxprEqn<'iota'>, form: Affine): R;
  elementwise(eqn: JaxprEqn, operands: R[]): R;
  /** A node this access cannot reach affinely: the analysis materialises it; code generation never meets one. */
  blocked(v: Var): R;
  /** Called for each equation the walk computes inline (for listing what a loop fuses). */
  expanded?(eqn: JaxprEqn): void;
}

/**
 * Walks the inlined equations below `v` (read with `access` inside a loop over a domain of rank
 * `rank`), bottom-up, with one result per (variable, access): a value read twice at the same index
 * (x·x, or a broadcast constant used by many operands) is visited once.
 */
export class TreeWalk<R> {
  private readonly memo = new Map<Var, Map<string, R>>();
  constructor(readonly producer: ReadonlyMap<Var, JaxprEqn>, readonly rank: number, readonly visit: TreeVisitor<R>) {}

  remember(v: Var, access: Access, r: R): void {
    let m = this.memo.get(v);
    if (!m) { m = new Map(); this.memo.set(v, m); }
    m.set(accessKey(access), r);
  }
  recall(v: Var, access: Access): R | undefined { return this.memo.get(v)?.get(accessKey(access)); }

  atom(a: Atom, access: Access): R {
    if (a instanceof Literal) return this.visit.literal(a);
    const hit = this.recall(a, access);
    if (hit !== undefined) return hit;
    const leaf = this.visit.leaf(a, access);
    const r = leaf !== undefined ? leaf : this.expand(a, access);
    this.remember(a, access, r);
    return r;
  }

  /** The value of `v` computed from its equation (not read from its buffer). */
  expand(v: Var, access: Access): R {
    const eqn = this.producer.get(v);
    if (!eqn) throw new Error('fused loop: a variable has no producing equation and no buffer');
    const shape = v.aval.shape;
    this.visit.expanded?.(eqn);
    if (eqn.primitive === 'iota') {
      const { dimension } = eqn.params as Params<'iota'>;
      const m = multiForms(access, shape, this.rank);
      return m ? this.visit.iota(eqn as JaxprEqn<'iota'>, m[dimension]!) : this.visit.blocked(v);
    }
    if (MOVEMENT.has(eqn.primitive)) {
      const x = eqn.inputs[0]!;
      if (x instanceof Literal) return this.visit.literal(x);
      const inner = operandAccess(eqn, access, shape, x.aval.shape, this.rank);
      return inner ? this.atom(x, inner) : this.visit.blocked(v);
    }
    return this.visit.elementwise(eqn, eqn.inputs.map((a) => this.atom(a, access)));
  }
}

/**
 * The index forms a walk over `domain` reads (buffer loads and iota positions), from which a code
 * generator chooses its loop nest. `viaAtom`: the roots are operands read at `start` (a
 * reduction's input); otherwise values computed at `start` (a loop's members, each remembered so a
 * later member reads it as a local).
 */
export function formsRead(producer: ReadonlyMap<Var, JaxprEqn>, buffered: ReadonlySet<Var>, roots: readonly Var[], domain: Shape, start: Access, viaAtom: boolean): Affine[] {
  const forms: Affine[] = [];
  const walk = new TreeWalk<null>(producer, domain.length, {
    leaf: (v, access) => { if (!buffered.has(v)) return undefined; forms.push(flatForm(access, v.aval.shape, domain.length)); return null; },
    literal: () => null,
    iota: (_e, f) => { forms.push(f); return null; },
    elementwise: () => null,
    blocked: () => null,
  });
  for (const r of roots) {
    if (viaAtom) walk.atom(r, start);
    else { walk.expand(r, start); walk.remember(r, start, null); }
  }
  return forms;
}

/**
 * The leaf rule both code generators share. A value this loop has already computed is its local,
 * valid only at the element being computed (fusion rules out any other read); otherwise `load`
 * reads a buffered value at the flat form, or returns undefined so the walk expands its equation.
 */
export function readLeaf<V>(domain: Shape, locals: ReadonlyMap<Var, V>, load: (v: Var, form: Affine) => V | undefined, who: string): (v: Var, access: Access) => V | undefined {
  const rank = domain.length, idKey = formKey(identityFlat(domain));
  return (v, access) => {
    const form = flatForm(access, v.aval.shape, rank);
    const local = locals.get(v);
    if (local !== undefined) {
      if (formKey(form) === idKey) return local;
      throw new Error(`${who}: a fused value is read at another index than the one being computed`);
    }
    return load(v, form);
  };
}
