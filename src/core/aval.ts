// ShapedArray: the abstract value (aval) of an array: its shape, dtype and whether it is weakly typed.
import { DType, SHORT_NAME } from './dtype.js';
import { Shape, sizeOf, shapeEq } from './shape.js';

/** An array's abstract value (JAX's ShapedArray): shape, dtype and weak type; what tracers carry and jaxprs are typed by. */
export class ShapedArray {
  /**
   * @param shape The sizes of the axes.
   * @param dtype The element type.
   * @param weakType Whether the type is weak (from a JS scalar).
   */
  constructor(readonly shape: Shape, readonly dtype: DType, readonly weakType = false) {}
  /** The number of axes. */
  get ndim(): number { return this.shape.length; }
  /** The number of elements. */
  get size(): number { return sizeOf(this.shape); }
  /** `f32[3,4]`, with a trailing `~` for weak types as JAX does in its debug output is omitted for readability. */
  str(): string { return `${SHORT_NAME[this.dtype]}[${this.shape.join(',')}]`; }
  /** Same shape and dtype (weak types aside). */
  equals(o: ShapedArray): boolean { return this.dtype === o.dtype && shapeEq(this.shape, o.shape); }
  /** The same aval, not weakly typed. */
  strong(): ShapedArray { return this.weakType ? new ShapedArray(this.shape, this.dtype, false) : this; }
  /** The same dtype with another shape. */
  withShape(shape: Shape): ShapedArray { return new ShapedArray(shape, this.dtype, this.weakType); }
  /** The same shape with another dtype. */
  withDtype(dtype: DType): ShapedArray { return new ShapedArray(this.shape, dtype, this.weakType); }
  /** As str(). */
  toString(): string { return this.str(); }
}
