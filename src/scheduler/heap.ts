// A binary heap keyed by string (pkg/scheduler/backend/heap): O(log n) push, pop, update and
// removal of any item by key.

export class KeyedHeap<T> {
  readonly #items: T[] = [];
  readonly #index = new Map<string, number>();
  readonly #key: (t: T) => string;
  readonly #less: (a: T, b: T) => boolean;

  constructor(key: (t: T) => string, less: (a: T, b: T) => boolean) {
    this.#key = key;
    this.#less = less;
  }

  get size(): number { return this.#items.length; }
  has(key: string): boolean { return this.#index.has(key); }
  get(key: string): T | undefined {
    const i = this.#index.get(key);
    return i === undefined ? undefined : this.#items[i];
  }
  peek(): T | undefined { return this.#items[0]; }
  values(): readonly T[] { return this.#items; }

  /** Adds the item, or replaces the one with the same key and restores order. */
  push(item: T): void {
    const k = this.#key(item);
    const i = this.#index.get(k);
    if (i !== undefined) {
      this.#items[i] = item;
      this.#fix(i);
      return;
    }
    this.#items.push(item);
    this.#index.set(k, this.#items.length - 1);
    this.#up(this.#items.length - 1);
  }

  pop(): T | undefined {
    if (this.#items.length === 0) return undefined;
    return this.#removeAt(0);
  }

  delete(key: string): T | undefined {
    const i = this.#index.get(key);
    return i === undefined ? undefined : this.#removeAt(i);
  }

  #removeAt(i: number): T {
    const items = this.#items;
    const item = items[i] as T;
    const last = items.pop() as T;
    this.#index.delete(this.#key(item));
    if (i < items.length) {
      items[i] = last;
      this.#index.set(this.#key(last), i);
      this.#fix(i);
    }
    return item;
  }

  #fix(i: number): void {
    if (!this.#up(i)) this.#down(i);
  }

  #swap(i: number, j: number): void {
    const items = this.#items;
    const a = items[i] as T;
    const b = items[j] as T;
    items[i] = b;
    items[j] = a;
    this.#index.set(this.#key(b), i);
    this.#index.set(this.#key(a), j);
  }

  #up(i: number): boolean {
    let moved = false;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(this.#items[i] as T, this.#items[parent] as T)) break;
      this.#swap(i, parent);
      i = parent;
      moved = true;
    }
    return moved;
  }

  #down(i: number): void {
    const n = this.#items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      let m = l;
      const r = l + 1;
      if (r < n && this.#less(this.#items[r] as T, this.#items[l] as T)) m = r;
      if (!this.#less(this.#items[m] as T, this.#items[i] as T)) return;
      this.#swap(i, m);
      i = m;
    }
  }
}
