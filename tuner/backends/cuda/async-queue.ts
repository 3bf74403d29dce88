// A minimal push/pull queue: producers (compile and runner callbacks) push results as they come, the
// consumer iterates them with for-await. Results leave in completion order, which is what lets a fast
// compile failure be reported while an earlier candidate is still being timed.
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiter: ((r: IteratorResult<T>) => void) | undefined;
  private failure: Error | undefined;
  private done = false;

  push(item: T): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: item, done: false });
    } else this.items.push(item);
  }

  close(): void {
    this.done = true;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: undefined as never, done: true });
    }
  }

  fail(err: Error): void {
    this.failure = err;
    this.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.items.length > 0) {
        yield this.items.shift()!;
        continue;
      }
      if (this.done) {
        if (this.failure) throw this.failure;
        return;
      }
      const r = await new Promise<IteratorResult<T>>((resolve) => (this.waiter = resolve));
      if (r.done) {
        if (this.failure) throw this.failure;
        return;
      }
      yield r.value;
    }
  }
}
