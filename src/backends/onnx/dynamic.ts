// dynamicAxes made real: the program is lowered at a few sizes of each symbolic axis, the graphs
// are compared, and every int64 shape constant that changes with a size (Reshape/Expand targets,
// Slice ends, Pad amounts) is fitted as an affine function of the sizes and computed in the graph
// from the inputs' runtime shapes (Shape), so the model runs at any size. What cannot follow a size
// this way (a graph whose structure changes with it, a float or int32 constant as long as the axis,
// a product of two symbolic sizes) is an OnnxLoweringError naming it.
import { OnnxLoweringError, tensorProto } from './builder.js';
import { Dimension, GraphProto, ModelProto, NodeProto, ONNX_DTYPE, TensorProto, ValueInfoProto } from './proto.js';

/** `{ input: { axis: symbol } }` over the model's flat inputs. */
export type DynamicAxes = Readonly<Record<number, Readonly<Record<number, string>>>>;

/** Where each symbol is read at run time: the first (input, axis) that carries it. */
export interface SymbolSource { readonly symbol: string; readonly input: string; readonly axis: number }

// Trace sizes: unusual values so a symbolic size does not coincide with a fixed dimension.
const BASE = 1009, STEP = 42, DELTA = 6, CHECK = 11;

/** The sizes to trace at: the base (symbol j at BASE + STEP·j), one variant per symbol, and a check moving all. */
export function traceSizes(symbols: readonly string[]): Map<string, number>[] {
  const base = new Map(symbols.map((s, j) => [s, BASE + STEP * j]));
  const variants = symbols.map((s) => new Map(base).set(s, base.get(s)! + DELTA));
  const check = new Map(symbols.map((s) => [s, base.get(s)! + CHECK]));
  return [base, ...variants, check];
}

/** An affine function of the symbols: constant + Σ coefficient·symbol (integer coefficients). */
interface Affine { readonly constant: number; readonly coefficients: readonly number[] }

/** Fits values seen at traceSizes' sizes; null when they do not follow an integer affine law. */
function fit(values: readonly number[], symbols: readonly string[], sizes: readonly Map<string, number>[]): Affine | null {
  const base = values[0]!;
  const coefficients = symbols.map((_, j) => (values[1 + j]! - base) / DELTA);
  if (coefficients.some((a) => !Number.isInteger(a))) return null;
  const constant = base - coefficients.reduce((s, a, j) => s + a * sizes[0]!.get(symbols[j]!)!, 0);
  const check = sizes[sizes.length - 1]!;
  const predicted = constant + coefficients.reduce((s, a, j) => s + a * check.get(symbols[j]!)!, 0);
  return predicted === values[values.length - 1] ? { constant, coefficients } : null;
}

const describe = (a: Affine, symbols: readonly string[]): string => {
  const terms = a.coefficients.flatMap((k, j) => (k === 0 ? [] : [k === 1 ? symbols[j]! : `${k}*${symbols[j]}`]));
  if (a.constant !== 0 || terms.length === 0) terms.push(String(a.constant));
  return terms.join('+');
};

const int64Values = (t: TensorProto): number[] => {
  const view = new BigInt64Array(t.rawData.buffer.slice(t.rawData.byteOffset, t.rawData.byteOffset + t.rawData.byteLength));
  return Array.from(view, Number);
};
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** A dynamic int64 constant: its name and dims, and the affine law of each element. */
interface DynamicConstant { readonly name: string; readonly dims: readonly number[]; readonly laws: readonly Affine[] }

/**
 * The model traced at `sizes[0]`, with every constant and type that follows the symbols made
 * symbolic. `models[i]` is the program lowered at `sizes[i]` (traceSizes' order).
 */
export function makeDynamic(models: readonly ModelProto[], symbols: readonly string[], sizes: readonly Map<string, number>[], sources: readonly SymbolSource[]): ModelProto {
  const dynamic: DynamicConstant[] = [];
  const where = `the dynamic ${symbols.length === 1 ? 'axis' : 'axes'} ${symbols.map((s) => `'${s}'`).join(', ')}`;
  const law = (values: number[], what: string): Affine => {
    const a = fit(values, symbols, sizes);
    if (!a) throw new OnnxLoweringError(`${what} is ${values.join(', ')} at sizes ${sizes.map((m) => `(${[...m.values()].join(', ')})`).join(', ')} of ${where}: not an affine function of them (a product of two symbolic sizes?), so it cannot be exported with dynamicAxes`);
    return a;
  };
  const dims = (infos: readonly ValueInfoProto[], what: string): Dimension[][] =>
    infos[0]!.type.tensorType.shape.dim.map((d0, k) => {
      const vals = infos.map((v) => v.type.tensorType.shape.dim[k]!);
      if (vals.every((d) => d.dimParam === d0.dimParam && d.dimValue === d0.dimValue)) return [d0];
      const a = law(vals.map((d) => Number(d.dimValue)), `axis ${k} of ${what}`);
      return [{ dimParam: describe(a, symbols) }];
    });
  const valueInfos = (lists: readonly ValueInfoProto[][], what: string): ValueInfoProto[] =>
    lists[0]!.map((v0, i) => {
      const versions = lists.map((l) => l[i]!);
      const d = dims(versions, `${what} ${v0.name}`).map((x) => x[0]!);
      return { name: v0.name, type: { tensorType: { elemType: v0.type.tensorType.elemType, shape: { dim: d } } } };
    });

  const graph = (gs: readonly GraphProto[], path: string): GraphProto => {
    const g0 = gs[0]!;
    if (gs.some((g) => g.node.length !== g0.node.length || g.initializer.length !== g0.initializer.length)) {
      throw new OnnxLoweringError(`the graph${path} has a different structure at other sizes of ${where} (the program branches on that size), so it cannot be exported with dynamicAxes`);
    }
    const node = g0.node.map((n0, i): NodeProto => {
      const versions = gs.map((g) => g.node[i]!);
      if (versions.some((n) => n.opType !== n0.opType || n.input.join() !== n0.input.join() || n.output.join() !== n0.output.join() || n.attribute.length !== n0.attribute.length)) {
        throw new OnnxLoweringError(`node ${i} (${n0.opType}) of the graph${path} changes with the size of ${where}, so the model cannot be exported with dynamicAxes`);
      }
      const attribute = n0.attribute.map((a0, k) => {
        const as = versions.map((n) => n.attribute[k]!);
        if (a0.g) return { ...a0, g: graph(as.map((a) => a.g!), `${path} › ${n0.opType} ${a0.name}`) };
        const key = (a: typeof a0) => JSON.stringify({ ...a, s: a.s ? Array.from(a.s) : undefined });
        if (as.some((a) => key(a) !== key(a0))) {
          throw new OnnxLoweringError(`the attribute ${a0.name} of ${n0.opType} (graph${path}) depends on the size of ${where}; ONNX attributes are fixed, so it cannot be exported with dynamicAxes`);
        }
        return a0;
      });
      return { ...n0, attribute };
    });
    const initializer: TensorProto[] = [];
    g0.initializer.forEach((t0, i) => {
      const ts = gs.map((g) => g.initializer[i]!);
      if (ts.some((t) => t.name !== t0.name || t.dataType !== t0.dataType)) throw new OnnxLoweringError(`the constants of the graph${path} change with the size of ${where}`);
      if (ts.every((t) => sameBytes(t.rawData, t0.rawData) && t.dims.join() === t0.dims.join())) { initializer.push(t0); return; }
      if (ts.some((t) => t.dims.join() !== t0.dims.join())) {
        throw new OnnxLoweringError(`a constant of shape [${t0.dims.join(', ')}] at the first traced size (${t0.name}) grows with ${where}: a value as long as a dynamic axis (an iota, a captured array) cannot be exported with dynamicAxes; pass it as an input`);
      }
      if (t0.dataType !== ONNX_DTYPE.int64) throw new OnnxLoweringError(`a constant (${t0.name}, [${t0.dims.join(', ')}]) takes other values at other sizes of ${where}; only int64 shape values can follow a dynamic axis`);
      const perTrace = ts.map(int64Values);
      dynamic.push({ name: t0.name, dims: t0.dims, laws: perTrace[0]!.map((_, e) => law(perTrace.map((v) => v[e]!), `element ${e} of the shape constant ${t0.name}`)) });
    });
    return { ...g0, node, initializer, input: valueInfos(gs.map((g) => g.input), 'the input'), output: valueInfos(gs.map((g) => g.output), 'the output') };
  };

  const main = graph(models.map((m) => m.graph), '');
  if (dynamic.length) main.node = [...computeDynamic(main, dynamic, symbols, sources), ...main.node];
  return { ...models[0]!, graph: main };
}

/** Nodes computing each dynamic constant from the symbols' runtime sizes, under the constant's name. */
function computeDynamic(main: GraphProto, dynamic: readonly DynamicConstant[], symbols: readonly string[], sources: readonly SymbolSource[]): NodeProto[] {
  const nodes: NodeProto[] = [];
  let counter = 0;
  const constant = (dims: readonly number[], values: readonly number[]): string => {
    const name = `dyn${counter++}_const`;
    main.initializer.push(tensorProto(name, 'int64', dims, values));
    return name;
  };
  const op = (opType: string, input: string[], attribute: NodeProto['attribute'] = []): string => {
    const out = `dyn${counter++}_${opType}`;
    nodes.push({ opType, input, output: [out], attribute });
    return out;
  };
  const sizeOf = symbols.map((s) => {
    const src = sources.find((x) => x.symbol === s)!;
    return op('Shape', [src.input], [{ name: 'start', type: 2, i: src.axis }, { name: 'end', type: 2, i: src.axis + 1 }]);
  });
  for (const d of dynamic) {
    const flat = [d.laws.length];
    let value = constant(flat, d.laws.map((l) => l.constant));
    symbols.forEach((_, j) => {
      const coefficients = d.laws.map((l) => l.coefficients[j]!);
      if (coefficients.every((k) => k === 0)) return;
      value = op('Add', [value, op('Mul', [constant(flat, coefficients), sizeOf[j]!])]);
    });
    nodes.push({ opType: 'Reshape', input: [value, constant([d.dims.length], d.dims)], output: [d.name], attribute: [] });
  }
  return nodes;
}
