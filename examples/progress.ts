// Training progress for the examples: on a terminal, one line rewritten in place (step/total,
// loss, steps/s, ETA); otherwise (a pipe, a test) the plain `step loss` lines the examples always
// printed. Keeps the reported losses for a loss-curve plot.
export class Progress {
  readonly losses: [number, number][] = [];
  readonly #start = performance.now();
  readonly #tty = Boolean(process.stdout.isTTY) && process.env.CI === undefined;
  /** `from`: steps already done when the clock starts (a progress line made at its first report). */
  constructor(readonly total: number, readonly from = 0) {}

  /** Records `loss` at `step` (0-based) and shows it. */
  report(step: number, loss: number): void {
    this.losses.push([step, loss]);
    if (!this.#tty) { console.log(step, loss); return; }
    const seconds = (performance.now() - this.#start) / 1000, done = step + 1;
    const line = `\r\x1b[2Kstep ${done}/${this.total} · loss ${loss.toPrecision(5)}`;
    if (done <= this.from) { process.stdout.write(line); return; } // no rate before a step was timed
    const rate = (done - this.from) / Math.max(seconds, 1e-9), eta = (this.total - done) / rate;
    process.stdout.write(`${line} · ${rate.toFixed(1)} steps/s · ETA ${eta.toFixed(1)} s`);
  }
  /** Ends the updating line (on a terminal). */
  done(): void { if (this.#tty) process.stdout.write('\n'); }
}
