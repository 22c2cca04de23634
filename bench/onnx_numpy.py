# numpy side of bench/onnx.ts and bench/versus-numpy.ts: runs one block of one workload and prints each rep's milliseconds.
# Usage: python3 bench/onnx_numpy.py matmul|step|mlp|chain|poly REPS   (threads from OPENBLAS_NUM_THREADS)
import sys, time
import numpy as np

work, reps = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(0)

if work == 'matmul':
    a = rng.standard_normal((1024, 1024), dtype=np.float32); b = rng.standard_normal((1024, 1024), dtype=np.float32)
    def run():
        return a @ b
elif work == 'step':
    # The seed's numpy warm-up step: forward, hand-written backprop, SGD update.
    N, D_in, H, D_out = 64, 1000, 100, 10
    x = rng.standard_normal((N, D_in), dtype=np.float32); y = rng.standard_normal((N, D_out), dtype=np.float32)
    w = [rng.standard_normal((D_in, H), dtype=np.float32), rng.standard_normal((H, D_out), dtype=np.float32)]
    def run():
        w1, w2 = w
        h = x @ w1; hr = np.maximum(h, 0); yp = hr @ w2
        loss = np.square(yp - y).sum()
        gy = 2.0 * (yp - y); gw2 = hr.T @ gy; gh = gy @ w2.T; gh[h < 0] = 0; gw1 = x.T @ gh
        w[0] = w1 - 1e-6 * gw1; w[1] = w2 - 1e-6 * gw2
        return loss
elif work == 'mlp':
    # 784-1024-1024-10, batch 256, softmax cross-entropy, Adam: hand-written forward and backward.
    sizes = [784, 1024, 1024, 10]
    W = [(rng.standard_normal((sizes[i], sizes[i + 1])) * np.sqrt(2 / sizes[i])).astype(np.float32) for i in range(3)]
    B = [np.zeros(sizes[i + 1], np.float32) for i in range(3)]
    params = W + B
    m = [np.zeros_like(p) for p in params]; v = [np.zeros_like(p) for p in params]
    x = rng.standard_normal((256, 784), dtype=np.float32); labels = rng.integers(0, 10, 256)
    state = {'t': 0}
    def run():
        W, B = params[:3], params[3:]
        h0 = x; z1 = h0 @ W[0] + B[0]; h1 = np.maximum(z1, 0); z2 = h1 @ W[1] + B[1]; h2 = np.maximum(z2, 0); z3 = h2 @ W[2] + B[2]
        z3 = z3 - z3.max(1, keepdims=True); e = np.exp(z3); p = e / e.sum(1, keepdims=True)
        loss = -np.log(p[np.arange(256), labels]).mean()
        g3 = p; g3[np.arange(256), labels] -= 1; g3 /= 256
        gW2 = h2.T @ g3; gB2 = g3.sum(0); g2 = (g3 @ W[2].T) * (z2 > 0)
        gW1 = h1.T @ g2; gB1 = g2.sum(0); g1 = (g2 @ W[1].T) * (z1 > 0)
        gW0 = h0.T @ g1; gB0 = g1.sum(0)
        grads = [gW0, gW1, gW2, gB0, gB1, gB2]
        state['t'] += 1; t = state['t']
        for i, g in enumerate(grads):
            m[i] *= 0.9; m[i] += 0.1 * g
            v[i] *= 0.999; v[i] += 0.001 * g * g
            params[i] -= (1e-3 / (1 - 0.9 ** t)) * m[i] / (np.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8)
        return loss
elif work == 'chain':
    # tanh(x)*2 + exp(-x*x) over 10M float32 (numpy's own SIMD tanh and exp, one temporary per op).
    x = (rng.random(10_000_000, dtype=np.float32) * 4 - 2).astype(np.float32)
    def run():
        return np.tanh(x) * 2 + np.exp(-x * x)
elif work == 'poly':
    # The seed's polynomial fit step (y = a + b x + c x^2 + d x^3 to sin on 2000 points), hand-written gradients, float32.
    x = np.linspace(-np.pi, np.pi, 2000, dtype=np.float32); y = np.sin(x)
    c = [np.float32(v) for v in rng.standard_normal(4)]
    def run():
        a, b, cc, d = c
        y_pred = a + b * x + cc * x ** 2 + d * x ** 3
        loss = np.square(y_pred - y).sum()
        g = 2.0 * (y_pred - y)
        grads = [g.sum(), (g * x).sum(), (g * x ** 2).sum(), (g * x ** 3).sum()]
        for i in range(4): c[i] = c[i] - np.float32(1e-6) * grads[i]
        return loss
else:
    raise SystemExit(f'unknown workload {work}')

for _ in range(3): run()
out = []
for _ in range(reps):
    t0 = time.perf_counter(); run(); out.append((time.perf_counter() - t0) * 1e3)
print(' '.join(f'{t:.4f}' for t in out))
