/**
 * The router's CPU as concurrent API commands share it. The manual ("API", Tags) says the API "allows
 * running several commands simultaneously": replies of tagged commands may come in any order and the
 * commands compete for the CPU. Modelled as processor sharing: n running jobs each progress at 1/n of
 * real time, so three concurrent scans of 5 s each all end after about 15 s — and a `print` whose query
 * matches nothing stays silent all that time (firmware-fidelity M5).
 */

interface Job {
  work: number;
  done: number;
  onProgress: (done: number) => void;
  resolve: () => void;
}

/** How often a running job reports progress (streamed `!re` rows), in ms. */
const STEP_MS = 20;

/** One shared CPU (one per simulated router). */
export class SimCpu {
  private readonly jobs = new Set<Job>();
  private last = Date.now();
  private timer: NodeJS.Timeout | undefined;

  /** Number of jobs running now. */
  get running(): number {
    return this.jobs.size;
  }

  /**
   * Runs `work` ms of CPU time; `onProgress` receives the CPU time done so far (monotonic). Resolves
   * when the job is done. A zero-work job resolves at once.
   */
  run(work: number, onProgress: (done: number) => void = () => undefined): Promise<void> {
    if (work <= 0) return Promise.resolve();
    this.advance();
    return new Promise<void>((resolve) => {
      this.jobs.add({ work, done: 0, onProgress, resolve });
      this.schedule();
    });
  }

  /** Stops every job (simulator stopped); their promises never resolve. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.jobs.clear();
  }

  private advance(): void {
    const now = Date.now();
    const n = this.jobs.size;
    const share = n === 0 ? 0 : (now - this.last) / n;
    this.last = now;
    for (const job of [...this.jobs]) {
      job.done = Math.min(job.work, job.done + share);
      job.onProgress(job.done);
      if (job.done >= job.work) {
        this.jobs.delete(job);
        job.resolve();
      }
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.jobs.size === 0) return;
    const n = this.jobs.size;
    const next = Math.min(...[...this.jobs].map((j) => (j.work - j.done) * n));
    this.timer = setTimeout(
      () => {
        this.advance();
        this.schedule();
      },
      Math.max(1, Math.min(STEP_MS, Math.ceil(next))),
    );
  }
}
