/**
 * A FIFO lock for the embedded database, which is one session: the
 * WebSocket proxy's connections and the local SQL-over-HTTP endpoint take
 * turns through one of these, so no two clients' requests interleave.
 */
export class Turns {
  private tail: Promise<void> = Promise.resolve();

  /** Resolves with the release function once it is the caller's turn. */
  acquire(): Promise<() => void> {
    let release: () => void = () => {};
    const turn = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => turn);
    return ready;
  }
}
