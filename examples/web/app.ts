// The live training page (examples/web/index.html): the seed's polynomial fit to sin(x) and its
// two-layer network, each step one jitted program, the fit and the log-scale loss redrawn as they
// train, on WebGPU (when navigator.gpu gives an adapter) or the CPU. Plain DOM and canvas.
import { np, jit, valueAndGrad, random, useBackend } from 'cotangent';
import type { Array as NDArray } from 'cotangent';

// ---- the two models -------------------------------------------------------------------------
/** What the page needs of a model: fresh parameters, a training step, and what to draw. */
interface Model<P> {
  readonly title: string;
  readonly caption: string;
  init(): P;
  /** One SGD step: [loss before the step, updated parameters] (parameters donated). */
  step(p: P): [NDArray, P];
  /** The fit panel's points and curves, read from the device. */
  picture(p: P): Promise<Picture>;
}
interface Series { readonly label: string; readonly color: string; readonly xs: ArrayLike<number>; readonly ys: ArrayLike<number>; readonly kind: 'points' | 'line' }
interface Picture { readonly series: Series[]; readonly x: [number, number]; readonly y: [number, number]; readonly xLabel: string; readonly yLabel: string }

/** `+ 0.123x` or `− 0.123x`. */
const term = (v: number, power: string) => `${v < 0 ? '−' : '+'} ${Math.abs(v).toFixed(3)}${power}`;

type Coefficients = { a: NDArray; b: NDArray; c: NDArray; d: NDArray };
function polynomial(): Model<Coefficients> {
  // The seed: 2000 points of sin on [-π, π], y = a + bx + cx² + dx³, sum of squares, lr 1e-6.
  const x = np.linspace(-Math.PI, Math.PI, 2000), y = np.sin(x);
  const loss = ({ a, b, c, d }: Coefficients) => a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3))).sub(y).square().sum();
  const lr = 1e-6;
  const step = jit((p: Coefficients): [NDArray, Coefficients] => {
    const [value, g] = valueAndGrad(loss)(p);
    return [value, { a: p.a.sub(g.a.mul(lr)), b: p.b.sub(g.b.mul(lr)), c: p.c.sub(g.c.mul(lr)), d: p.d.sub(g.d.mul(lr)) }];
  }, { donateArgnums: 0 });
  const sample = Array.from({ length: 100 }, (_, i) => -Math.PI + (2 * Math.PI * i) / 99);
  return {
    title: 'polynomial',
    caption: 'sin(x) (points) and the cubic a + bx + cx² + dx³ as it is fitted (line)',
    init: () => {
      const k = random.split(random.key(1), 4);
      return { a: random.normal(k.get(0), []), b: random.normal(k.get(1), []), c: random.normal(k.get(2), []), d: random.normal(k.get(3), []) };
    },
    step,
    async picture(p) {
      const [a, b, c, d] = await Promise.all([p.a.item(), p.b.item(), p.c.item(), p.d.item()]);
      return {
        x: [-Math.PI, Math.PI], y: [-1.6, 1.6], xLabel: 'x', yLabel: 'y',
        series: [
          { label: 'sin(x)', color: '#1f77b4', kind: 'points', xs: sample, ys: sample.map(Math.sin) },
          { label: `fit: ${a.toFixed(3)} ${term(b, 'x')} ${term(c, 'x²')} ${term(d, 'x³')}`, color: '#d62728', kind: 'line', xs: sample, ys: sample.map((v) => a + b * v + c * v * v + d * v * v * v) },
        ],
      };
    },
  };
}

type Weights = { w1: NDArray; w2: NDArray };
function twoLayer(): Model<Weights> {
  // The seed: N=64, D_in=1000, H=100, D_out=10, random data, ReLU, sum of squares, lr 1e-6.
  const [N, D_in, H, D_out] = [64, 1000, 100, 10];
  const k = random.split(random.key(0), 4);
  const x = random.normal(k.get(0), [N, D_in]), y = random.normal(k.get(1), [N, D_out]);
  const predict = jit((w: Weights) => np.maximum(x.matmul(w.w1), 0).matmul(w.w2));
  const loss = (w: Weights) => predict(w).sub(y).square().sum();
  const step = jit((w: Weights): [NDArray, Weights] => {
    const [value, g] = valueAndGrad(loss)(w);
    return [value, { w1: w.w1.sub(g.w1.mul(1e-6)), w2: w.w2.sub(g.w2.mul(1e-6)) }];
  }, { donateArgnums: 0 });
  let targets: Float32Array | null = null;
  return {
    title: 'two-layer',
    caption: 'each of the 640 outputs: prediction against its target (a perfect fit lies on the diagonal)',
    init: () => ({ w1: random.normal(k.get(2), [D_in, H]), w2: random.normal(k.get(3), [H, D_out]) }),
    step,
    async picture(w) {
      targets ??= Float32Array.from(await y.data());
      const predicted = await predict(w).data();
      return {
        x: [-3.5, 3.5], y: [-3.5, 3.5], xLabel: 'target', yLabel: 'prediction',
        series: [
          { label: 'perfect fit', color: '#999', kind: 'line', xs: [-3.5, 3.5], ys: [-3.5, 3.5] },
          { label: 'outputs', color: '#1f77b4', kind: 'points', xs: targets, ys: predicted },
        ],
      };
    },
  };
}

// ---- drawing ----------------------------------------------------------------------------------
const MARGIN = { left: 58, right: 14, top: 14, bottom: 42 };

/** Axes with ticks and titles on `canvas`; returns the data → pixel maps (y on a log10 scale when `log`). */
function axes(canvas: HTMLCanvasElement, x: [number, number], y: [number, number], xLabel: string, yLabel: string, log = false) {
  const g = canvas.getContext('2d')!;
  const w = canvas.width - MARGIN.left - MARGIN.right, h = canvas.height - MARGIN.top - MARGIN.bottom;
  const ty = (v: number) => (log ? Math.log10(v) : v);
  const [y0, y1] = [ty(y[0]), ty(y[1])];
  const px = (v: number) => MARGIN.left + ((v - x[0]) / (x[1] - x[0])) * w;
  const py = (v: number) => MARGIN.top + (1 - (ty(v) - y0) / (y1 - y0)) * h;
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.strokeStyle = '#333';
  g.lineWidth = 1;
  g.strokeRect(MARGIN.left, MARGIN.top, w, h);
  g.fillStyle = '#333';
  g.font = '11px system-ui, sans-serif';
  g.textAlign = 'center';
  for (const v of niceTicks(x[0], x[1])) {
    g.fillText(fmt(v), px(v), MARGIN.top + h + 14);
    g.beginPath(); g.moveTo(px(v), MARGIN.top + h); g.lineTo(px(v), MARGIN.top + h + 4); g.stroke();
  }
  g.textAlign = 'right';
  const yTicks = log ? logTicks(y[0], y[1]) : niceTicks(y[0], y[1]);
  for (const v of yTicks) {
    g.fillText(log ? `1e${Math.round(Math.log10(v))}` : fmt(v), MARGIN.left - 6, py(v) + 4);
    g.beginPath(); g.moveTo(MARGIN.left - 4, py(v)); g.lineTo(MARGIN.left, py(v)); g.stroke();
  }
  g.font = '12px system-ui, sans-serif';
  g.textAlign = 'center';
  g.fillText(xLabel, MARGIN.left + w / 2, canvas.height - 8);
  g.save();
  g.translate(14, MARGIN.top + h / 2);
  g.rotate(-Math.PI / 2);
  g.fillText(yLabel, 0, 0);
  g.restore();
  return { g, px, py, clip: () => { g.beginPath(); g.rect(MARGIN.left, MARGIN.top, w, h); g.clip(); } };
}
const fmt = (v: number) => (Math.abs(v) >= 1000 ? v.toExponential(0) : String(Number(v.toPrecision(3))));
function niceTicks(lo: number, hi: number, n = 6): number[] {
  const raw = (hi - lo) / n, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Math.abs(v) < 1e-12 ? 0 : v);
  return out;
}
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

/** Draws a picture; returns how many marks it drew (the browser test checks the plot was drawn). */
function drawPicture(canvas: HTMLCanvasElement, pic: Picture): number {
  const { g, px, py, clip } = axes(canvas, pic.x, pic.y, pic.xLabel, pic.yLabel);
  let marks = 0;
  g.save();
  clip();
  for (const s of pic.series) {
    g.strokeStyle = g.fillStyle = s.color;
    if (s.kind === 'line') {
      g.lineWidth = 2;
      g.beginPath();
      for (let i = 0; i < s.xs.length; i++) (i ? g.lineTo : g.moveTo).call(g, px(s.xs[i]!), py(s.ys[i]!));
      g.stroke();
      marks += s.xs.length;
    } else {
      for (let i = 0; i < s.xs.length; i++) { g.beginPath(); g.arc(px(s.xs[i]!), py(s.ys[i]!), 2, 0, 2 * Math.PI); g.fill(); marks++; }
    }
  }
  g.restore();
  // The legend in the top-left corner, on a white box so no curve runs through its text.
  g.font = '12px system-ui, sans-serif';
  const width = Math.max(...pic.series.map((s) => g.measureText(s.label).width)) + 34;
  g.fillStyle = 'rgba(255,255,255,0.92)';
  g.fillRect(MARGIN.left + 8, MARGIN.top + 8, width, 8 + 18 * pic.series.length);
  g.strokeStyle = '#bbb';
  g.strokeRect(MARGIN.left + 8, MARGIN.top + 8, width, 8 + 18 * pic.series.length);
  pic.series.forEach((s, i) => {
    const yy = MARGIN.top + 22 + 18 * i;
    g.fillStyle = g.strokeStyle = s.color;
    if (s.kind === 'line') { g.lineWidth = 2; g.beginPath(); g.moveTo(MARGIN.left + 14, yy - 4); g.lineTo(MARGIN.left + 34, yy - 4); g.stroke(); }
    else { g.beginPath(); g.arc(MARGIN.left + 24, yy - 4, 3, 0, 2 * Math.PI); g.fill(); }
    g.fillStyle = '#222';
    g.textAlign = 'left';
    g.fillText(s.label, MARGIN.left + 38, yy);
  });
  return marks;
}

function drawLoss(canvas: HTMLCanvasElement, losses: readonly [number, number][]): void {
  const positive = losses.filter(([, l]) => l > 0 && Number.isFinite(l));
  const lo = positive.length ? Math.min(...positive.map(([, l]) => l)) : 1, hi = positive.length ? Math.max(...positive.map(([, l]) => l)) : 10;
  const last = losses.length ? losses[losses.length - 1]![0] : 0;
  const y: [number, number] = [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi) + 1e-9)];
  const { g, px, py, clip } = axes(canvas, [0, Math.max(100, last)], y, 'step', 'loss', true);
  g.save();
  clip();
  g.strokeStyle = '#d62728';
  g.lineWidth = 2;
  g.beginPath();
  positive.forEach(([s, l], i) => (i ? g.lineTo : g.moveTo).call(g, px(s), py(l)));
  g.stroke();
  g.restore();
}

// ---- the page ---------------------------------------------------------------------------------
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const modelSelect = $<HTMLSelectElement>('model'), backendSelect = $<HTMLSelectElement>('backend');
const startButton = $<HTMLButtonElement>('start'), stopButton = $<HTMLButtonElement>('stop');
const stats = $('stats'), status = $('status'), fitCanvas = $<HTMLCanvasElement>('fit'), lossCanvas = $<HTMLCanvasElement>('loss');

/** What the page has done, for people (the text) and for the browser test (window.cotangentDemo). */
const demo = {
  model: modelSelect.value, backend: 'cpu', running: false, steps: 0, stepsPerSecond: 0,
  losses: [] as [number, number][], marks: 0, frames: 0, error: null as string | null,
};
(globalThis as unknown as { cotangentDemo: typeof demo }).cotangentDemo = demo;

let stopRequested = false;
const train = (): Promise<void> => (modelSelect.value === 'polynomial' ? trainModel(polynomial()) : trainModel(twoLayer()));

async function trainModel<P>(model: Model<P>): Promise<void> {
  Object.assign(demo, { model: modelSelect.value, running: true, steps: 0, losses: [], frames: 0, error: null });
  $('fit-caption').textContent = model.caption;
  let params = model.init();
  let perFrame = 1;
  const recent: [number, number][] = []; // [time, steps] over the last second
  status.textContent = demo.backend === 'webgpu' ? 'compiling the step\'s shaders (the first frame waits for them)…' : 'training…';
  while (!stopRequested) {
    const t0 = performance.now();
    let loss: NDArray | null = null;
    for (let i = 0; i < perFrame; i++) [loss, params] = model.step(params);
    demo.steps += perFrame;
    demo.losses.push([demo.steps, await loss!.item()]);
    demo.marks = drawPicture(fitCanvas, await model.picture(params));
    drawLoss(lossCanvas, demo.losses);
    demo.frames++;
    const now = performance.now();
    // Aim at ~60 ms of work per frame: more steps between redraws when steps are fast.
    perFrame = Math.max(1, Math.min(200, Math.round(perFrame * Math.min(2, 60 / Math.max(1, now - t0)))));
    recent.push([now, demo.steps]);
    while (recent.length > 2 && now - recent[0]![0] > 1000) recent.shift();
    demo.stepsPerSecond = recent.length > 1 ? ((demo.steps - recent[0]![1]) * 1000) / (now - recent[0]![0]) : 0;
    stats.textContent = `step ${demo.steps} · loss ${demo.losses[demo.losses.length - 1]![1].toPrecision(4)} · ${demo.stepsPerSecond.toFixed(0)} steps/s`;
    status.textContent = `training on ${demo.backend === 'webgpu' ? 'WebGPU' : 'the CPU'}`;
    await new Promise((r) => requestAnimationFrame(r));
  }
  demo.running = false;
  status.textContent = `stopped after ${demo.steps} steps`;
}

async function setBackend(name: string): Promise<void> {
  await useBackend(name === 'webgpu' ? 'webgpu' : 'cpu');
  demo.backend = name;
}

startButton.onclick = async () => {
  startButton.disabled = true; stopButton.disabled = false; modelSelect.disabled = backendSelect.disabled = true;
  stopRequested = false;
  try {
    await setBackend(backendSelect.value);
    await train();
  } catch (e) {
    demo.error = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    status.textContent = `error: ${demo.error}`;
    demo.running = false;
  }
  startButton.disabled = false; stopButton.disabled = true; modelSelect.disabled = backendSelect.disabled = false;
};
stopButton.onclick = () => { stopRequested = true; };

// WebGPU is offered when navigator.gpu gives an adapter; the CPU otherwise.
const adapter = await navigator.gpu?.requestAdapter().catch(() => null);
if (!adapter) {
  backendSelect.querySelector<HTMLOptionElement>('option[value=webgpu]')!.disabled = true;
  backendSelect.value = 'cpu';
  status.textContent = 'no WebGPU adapter here (navigator.gpu gave none): training runs on the CPU';
} else {
  status.textContent = 'ready: press Start';
}
drawLoss(lossCanvas, []);
