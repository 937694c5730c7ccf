import type { Db } from '../db/client';

/**
 * Group commit: while one batch is in flight, the items arriving meanwhile queue up and go in the
 * next one, so a burst costs one round trip (and for writes one WAL flush) per batch instead of
 * per item. `run` answers each item with a result or an error of its own; if it throws, the whole
 * batch gets that error.
 */
export class GroupCommit<T, R> {
  private queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private active = 0;
  private scheduled = false;
  /**
   * `concurrency`: batches in flight at once (each on its own connection of the pool), so that the
   * next batch is prepared and sent while the database still works on (or flushes) the one before.
   */
  constructor(
    private readonly run: (items: T[]) => Promise<(R | Error)[]>,
    private readonly max = 500,
    private readonly concurrency = 1,
  ) {}

  /**
   * A free batch slot is taken once the event loop has run the I/O callbacks of this turn
   * (setImmediate), so that the requests that arrived together go in one batch rather than one
   * batch each while slots are free (one statement, one commit, one WAL flush instead of several).
   */
  submit(item: T) {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.active < this.concurrency && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          if (this.queue.length && this.active < this.concurrency) void this.flush();
        });
      }
    });
  }

  private async flush() {
    this.active++;
    try {
      while (this.queue.length) {
        const jobs = this.queue.splice(0, this.max);
        try {
          const out = await this.run(jobs.map((j) => j.item));
          jobs.forEach((j, i) => {
            const r = out[i];
            if (r instanceof Error) j.reject(r);
            else j.resolve(r);
          });
        } catch (err) {
          for (const j of jobs) j.reject(err);
        }
      }
    } finally {
      this.active--;
    }
  }
}

/** One group-commit queue of each kind per database handle. */
export function perDb<T>(make: (db: Db) => T): (db: Db) => T {
  const all = new WeakMap<Db, T>();
  return (db) => {
    let x = all.get(db);
    if (!x) all.set(db, (x = make(db)));
    return x;
  };
}
