// A FIFO of bytes that hands out exact-length pieces; holds at most what the caller has not taken yet.

export class ByteQueue {
  private parts: Uint8Array[] = [];
  private head = 0; // offset into parts[0]
  length = 0;

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.parts.push(bytes);
    this.length += bytes.length;
  }

  /** Copies the first min(n, length) bytes without consuming them. */
  peek(n: number): Uint8Array {
    return this.read(Math.min(n, this.length), false);
  }

  /** Removes and returns exactly n bytes; the caller checks `length` first. */
  take(n: number): Uint8Array {
    if (n > this.length) throw new RangeError('not enough bytes queued');
    const first = this.parts[0];
    if (first !== undefined && first.length - this.head >= n) {
      // Fast path: the bytes are contiguous in one pushed piece, so no copy.
      const out = first.subarray(this.head, this.head + n);
      this.head += n;
      this.length -= n;
      if (this.head === first.length) {
        this.parts.shift();
        this.head = 0;
      }
      return out;
    }
    return this.read(n, true);
  }

  private read(n: number, consume: boolean): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    let part = 0;
    let head = this.head;
    while (filled < n) {
      const current = this.parts[part] as Uint8Array;
      const take = Math.min(n - filled, current.length - head);
      out.set(current.subarray(head, head + take), filled);
      filled += take;
      head += take;
      if (head === current.length) {
        part++;
        head = 0;
      }
    }
    if (consume) {
      this.parts.splice(0, part);
      this.head = head;
      this.length -= n;
    }
    return out;
  }
}
