/**
 * Serializes this process's writes to one document.
 *
 * FerretDB 1.24 applies every update as read, modify, write of the whole document, with no guard:
 * concurrent updates of *different* fields of one document undo each other (measured: of 40
 * concurrent `$set`s of different fields, 5 survived; of 40 `$inc`s, 2). MongoDB applies each
 * update atomically. Running one process's updates of a document one after another removes the
 * loss on the embedded single-node default; several nodes on FerretDB are not a supported setup
 * (production runs MongoDB), and invariants that must hold across nodes use unique indexes.
 */
export class DocLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
