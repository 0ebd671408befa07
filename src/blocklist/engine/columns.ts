/**
 * Growable typed-array columns for the aggregator: one number per record, no object per record.
 */

/** A growable Uint32 column. */
export class U32Column {
  data = new Uint32Array(1024);
  length = 0;

  /** Appends a value. */
  push(v: number): void {
    if (this.length === this.data.length) this.reserve(this.length * 2);
    this.data[this.length++] = v;
  }

  /** Makes room for `capacity` values in all (a size hint: fewer copies while growing). */
  reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Uint32Array(capacity);
    next.set(this.data);
    this.data = next;
  }

  /** Drops everything from `length` on. */
  truncate(length: number): void {
    this.length = Math.min(this.length, length);
  }
}

/**
 * A growable Float64 column whose values default to `Infinity` ("none": no expiry, unknown first
 * sighting) and which allocates nothing until a finite value is stored, so a plain list without
 * timestamps costs no memory here.
 */
export class LazyTimeColumn {
  data: Float64Array | null = null;
  length = 0;

  /** Appends a value (`Infinity` for none). */
  push(v: number): void {
    if (this.data === null) {
      if (v === Infinity) {
        this.length++;
        return;
      }
      this.data = new Float64Array(Math.max(1024, this.length * 2)).fill(Infinity);
    }
    if (this.length === this.data.length) {
      const next = new Float64Array(this.length * 2).fill(Infinity);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  /** The value at `i` (`Infinity` when none). */
  get(i: number): number {
    return this.data === null ? Infinity : (this.data[i] ?? Infinity);
  }

  /** Lowers the value at `i` (< length) to `v` when `v` is earlier. */
  min(i: number, v: number): void {
    if (v === Infinity || v >= this.get(i)) return;
    if (this.data === null) this.data = new Float64Array(Math.max(1024, this.length * 2)).fill(Infinity);
    this.data[i] = v;
  }

  /** Drops everything from `length` on. */
  truncate(length: number): void {
    if (this.data !== null && length < this.length) this.data.fill(Infinity, length, this.length);
    this.length = Math.min(this.length, length);
  }
}

/** A growable Int32 column (source-set ids, where -1 marks a removed entry). */
export class I32Column {
  data = new Int32Array(1024);
  length = 0;

  /** Appends a value. */
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** A growable Uint8 column (per-value flags). */
export class U8Column {
  data = new Uint8Array(1024);
  length = 0;

  /** Appends a value. */
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint8Array(this.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}
