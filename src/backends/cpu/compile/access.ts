// Index arithmetic for fused loops: affine index forms, movement maps, and the shared tree walk.
//
// How transpose, broadcast_in_dim and reshape map a consumer's index into their operand's, and one
// tree walk over the inlined equations below a value, used by both the fusion analysis and codegen.
//
// A fused loop runs over a domain (the shape of what it computes) with one index i_d per axis.
// Every array read inside it is at a position that is an affine function of those indices,
// k + Σ_d c_d·i_d: movement primitives only permute, repeat or regroup axes, so they compose into
// such forms without any per-element work. The one exception is a reshape that splits an axis the
// domain steps through as one index (i → (i div n, i mod n)): below it only the row-major flat
// position is affine, so nodes there that need a multi-index are materialised instead.
import { Atom, JaxprEqn, Literal, Var } from '../../../core/jaxpr.js';
import { Params } from '../../../core/primitives.js';
import { Shape, sizeOf, stridesOf } from '../../../core/shape.js';
import { isElementwise } from '../expressions.js';

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
    default:
      throw new Error(`operandAccess: ${eqn.primitive} is not a movement primitive`);
  }
}

/** Equations a fused loop computes inline: their value at one index needs only their operands' values. */
export const MOVEMENT = new Set<string>(['broadcast_in_dim', 'reshape', 'transpose']);
export const isLoopFusible = (p: string): boolean => isElementwise(p) || MOVEMENT.has(p) || p === 'iota';

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
