// ShapedArray: the abstract value (aval) of an array: its shape, dtype and whether it is weakly typed.
import { DType, SHORT_NAME } from './dtype.js';
import { Shape, sizeOf, shapeEq } from './shape.js';

export class ShapedArray {
  constructor(readonly shape: Shape, readonly dtype: DType, readonly weakType = false) {}
  get ndim(): number { return this.shape.length; }
  get size(): number { return sizeOf(this.shape); }
  /** `f32[3,4]`, with a trailing `~` for weak types as JAX does in its debug output is omitted for readability. */
  str(): string { return `${SHORT_NAME[this.dtype]}[${this.shape.join(',')}]`; }
  equals(o: ShapedArray): boolean { return this.dtype === o.dtype && shapeEq(this.shape, o.shape); }
  strong(): ShapedArray { return this.weakType ? new ShapedArray(this.shape, this.dtype, false) : this; }
  withShape(shape: Shape): ShapedArray { return new ShapedArray(shape, this.dtype, this.weakType); }
  withDtype(dtype: DType): ShapedArray { return new ShapedArray(this.shape, dtype, this.weakType); }
  toString(): string { return this.str(); }
}
