// The elementwise contract every backend implements: a scalar expression per elementwise primitive.
//
// A backend writes one table typed `ExpressionTable` (cpu/expressions.ts in JS, webgpu/elementwise.ts
// in WGSL) and generates all its elementwise kernels and fused loops from it through
// `elementwiseExpr`. The list of elementwise primitives and their kinds is the catalog's
// (core/primitives.ts: ELEMENTWISE_KINDS), so a new one is a compile error in each table.
import { DType } from '../core/dtype.js';
import { BinaryPrimitive, ComparePrimitive, ELEMENTWISE_KINDS, ElementwisePrimitive, UnaryPrimitive } from '../core/primitives.js';

export { elementwiseArity, isElementwise } from '../core/primitives.js';
export type { ElementwisePrimitive } from '../core/primitives.js';

type Unary = (d: DType, x: string) => string;
type Binary = (d: DType, a: string, b: string) => string;
/** `d` is the dtype of the two cases; the predicate is bool. */
type Select = (d: DType, p: string, t: string, f: string) => string;
/** `d` is the source dtype, `to` the destination dtype. */
type Convert = (d: DType, x: string, to: DType) => string;

/** A scalar template: the operand dtype and operand expressions (source strings) in, an expression out. */
export type ExprTemplate<P extends ElementwisePrimitive> =
  P extends UnaryPrimitive ? Unary
  : P extends BinaryPrimitive | ComparePrimitive ? Binary
  : P extends 'select' ? Select
  : Convert;

/** One backend's scalar semantics: a template for every elementwise primitive. */
export type ExpressionTable = { readonly [P in ElementwisePrimitive]: ExprTemplate<P> };

/**
 * The expression for one application of an elementwise primitive, dispatched by its kind: `inDtype`
 * is the operands' dtype (for select, the cases'), `outDtype` the result's. The entry point for code
 * generators that hold an equation rather than a statically known primitive.
 */
export function elementwiseExpr(table: ExpressionTable, prim: ElementwisePrimitive, inDtype: DType, outDtype: DType, operands: readonly string[]): string {
  const arg = (i: number): string => {
    const o = operands[i];
    if (o === undefined) throw new Error(`${prim}: expected more operands, got ${operands.length}`);
    return o;
  };
  switch (ELEMENTWISE_KINDS[prim]) {
    case 'convert': return table.convert_element_type(inDtype, arg(0), outDtype);
    case 'select': return table.select(inDtype, arg(0), arg(1), arg(2));
    case 'unary': return (table[prim] as Unary)(inDtype, arg(0));
    case 'binary': case 'compare': return (table[prim] as Binary)(inDtype, arg(0), arg(1));
  }
}
