/**
 * Sets and maps of string keys held as 64-bit hashes in typed arrays. A Set<string> of 25 million
 * line ids (a 2 GB file) needs well over a gigabyte and stops at 2^24 entries; these need 8 bytes
 * per slot (12 with a value) and grow by doubling. Two different keys share a hash with probability
 * about 2^-64 per pair, so a file of 25 million distinct ids has about a 1.7e-5 chance of one false
 * match; the rules that use these tables accept that.
 */

const INITIAL_CAPACITY = 1 << 10;
const MAX_LOAD = 0.7;

/**
 * Two independent 32-bit hashes of a key, or of a pair of keys (`second`) as if joined by a
 * separator no key holds, written to `out` to avoid allocating per key.
 */
export function hashInto(first: string, second: string | undefined, out: Uint32Array): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  let length = 0;
  for (let part = 0; part < 2; part++) {
    const key = part === 0 ? first : second;
    if (key === undefined) break;
    if (part === 1) {
      // The separator: (ab, c) and (a, bc) must not collide.
      a = Math.imul(a ^ 0x1f, 0x01000193);
      b = mixChar(b, 0x1f);
      length += 1;
    }
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = mixChar(b, c);
    }
    length += key.length;
  }
  out[0] = fmix(a ^ length);
  out[1] = fmix(b ^ length);
}

function mixChar(h: number, c: number): number {
  let k = Math.imul(c, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  let b = h ^ Math.imul(k, 0x1b873593);
  b = (b << 13) | (b >>> 19);
  return (Math.imul(b, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A slot's tag: non-zero, from bits of the hash that do not choose the slot; 0 marks an empty slot. */
function tagOf(hi: number): number {
  return ((hi >>> 24) % 255) + 1;
}

/**
 * Open addressing with linear probing over (hi, lo) pairs, side by side in one array so that a
 * lookup in a table far larger than the cache misses it once, not twice. Beside them a byte per
 * slot, its tag (0 when empty), is probed first: a key that is not there, the usual case of a
 * unique id, is answered from the tags, an eighth of the table's size, which stay in the cache
 * long after the pairs have left it; the pairs are read only where a tag matches.
 */
class HashedSlots {
  /** Slot i is words[2i] (hi) and words[2i + 1] (lo). */
  private words: Uint32Array;
  private tags: Uint8Array;
  private mask: number;
  private count = 0;
  private readonly scratch = new Uint32Array(2);
  /** The hash last looked up (after the (0, 0) adjustment), which `occupy` stores. */
  private foundHi = 0;
  private foundLo = 0;
  // The last key looked up: a check followed by an insert of the same key hashes it once.
  private lastKey: string | undefined;
  private lastSecond: string | undefined;
  private lastAt = 0;
  private lastHi = 0;
  private lastLo = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    let size = INITIAL_CAPACITY;
    while (size * MAX_LOAD < capacity) size *= 2;
    this.words = new Uint32Array(size * 2);
    this.tags = new Uint8Array(size);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  protected get slots(): number {
    return this.mask + 1;
  }

  /** The slot holding `key` (>= 0), or -(slot + 1) for the empty slot to put it in. */
  protected find(key: string, second?: string): number {
    if (key === this.lastKey && second === this.lastSecond) {
      this.foundHi = this.lastHi;
      this.foundLo = this.lastLo;
      return this.lastAt;
    }
    hashInto(key, second, this.scratch);
    const at = this.probe(this.scratch[0] as number, this.scratch[1] as number);
    this.lastHi = this.foundHi;
    this.lastLo = this.foundLo;
    this.lastKey = key;
    this.lastSecond = second;
    this.lastAt = at;
    return at;
  }

  /** The slot holding the hash (hi, lo) as hashInto wrote it, or -(slot + 1) for the empty slot to put it in. */
  protected findHash(hi: number, lo: number): number {
    this.lastKey = undefined;
    return this.probe(hi, lo);
  }

  private probe(hi: number, loIn: number): number {
    const lo = hi === 0 && loIn === 0 ? 1 : loIn;
    this.foundHi = hi;
    this.foundLo = lo;
    const tag = tagOf(hi);
    const tags = this.tags;
    const words = this.words;
    const mask = this.mask;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const t = tags[slot] as number;
      if (t === 0) return -(slot + 1);
      if (t === tag && words[2 * slot] === hi && words[2 * slot + 1] === lo) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** Puts the hash last found into `slot`; grows when the table is too full. */
  protected occupy(slot: number): void {
    this.lastKey = undefined;
    this.words[2 * slot] = this.foundHi;
    this.words[2 * slot + 1] = this.foundLo;
    this.tags[slot] = tagOf(this.foundHi);
    this.count += 1;
    if (this.count > this.slots * MAX_LOAD) this.grow();
  }

  private grow(): void {
    const old = this.words;
    const oldTags = this.tags;
    const oldSlots = this.slots;
    const moved = this.beginGrow(oldSlots * 2);
    this.words = new Uint32Array(old.length * 2);
    this.tags = new Uint8Array(oldSlots * 2);
    this.mask = oldSlots * 2 - 1;
    for (let i = 0; i < oldSlots; i++) {
      const tag = oldTags[i] as number;
      if (tag === 0) continue;
      const h = old[2 * i] as number;
      const l = old[2 * i + 1] as number;
      const slot = -this.probe(h, l) - 1;
      this.words[2 * slot] = h;
      this.words[2 * slot + 1] = l;
      this.tags[slot] = tag;
      moved(i, slot);
    }
  }

  /** Subclasses with values move them along: returns a callback from old slot to new slot. */
  protected beginGrow(_size: number): (from: number, to: number) => void {
    return () => undefined;
  }
}

/** A set of string keys by 64-bit hash. */
export class HashedKeySet extends HashedSlots {
  has(key: string): boolean {
    return this.find(key) >= 0;
  }

  /** Adds the key; false when it was already there. */
  add(key: string): boolean {
    const at = this.find(key);
    if (at >= 0) return false;
    this.occupy(-at - 1);
    return true;
  }
}

/** A map from string keys (by 64-bit hash) to the smallest number recorded for each. */
export class HashedMinMap extends HashedSlots {
  private values = new Float64Array(this.slots);

  /** Records `value` for `key` (or the pair `key`, `second`), keeping the smaller of it and any earlier one. */
  keepMin(key: string, value: number, second?: string): void {
    const at = this.find(key, second);
    if (at >= 0) {
      if (value < (this.values[at] as number)) this.values[at] = value;
      return;
    }
    this.values[-at - 1] = value;
    this.occupy(-at - 1);
  }

  /** Lowers the value of a hash already in the map (as hashInto wrote it) to `value` if that is smaller; other hashes are ignored. */
  lowerIfPresent(hi: number, lo: number, value: number): void {
    const at = this.findHash(hi, lo);
    if (at >= 0 && value < (this.values[at] as number)) this.values[at] = value;
  }

  /** The smallest value recorded for `key` (or the pair `key`, `second`), if any. */
  get(key: string, second?: string): number | undefined {
    const at = this.find(key, second);
    return at >= 0 ? this.values[at] : undefined;
  }

  protected override beginGrow(size: number): (from: number, to: number) => void {
    const old = this.values;
    this.values = new Float64Array(size);
    return (from, to) => {
      this.values[to] = old[from] as number;
    };
  }
}

const LOG_SHIFT = 16;
const LOG_CHUNK = 1 << LOG_SHIFT;

/**
 * String keys (or pairs of keys) as 64-bit hashes, each with a number, in the order they were
 * added: 16 bytes per entry written one after the other, never looked up until the end. Where
 * only a few keys will ever be asked about (the returns among millions of purchases), this costs
 * a fraction of a map's random memory accesses.
 */
export class HashedLog {
  private readonly hashes: Uint32Array[] = [];
  private readonly values: Float64Array[] = [];
  private count = 0;
  private readonly scratch = new Uint32Array(2);

  get size(): number {
    return this.count;
  }

  add(key: string, value: number, second?: string): void {
    const at = this.count & (LOG_CHUNK - 1);
    if (at === 0) {
      this.hashes.push(new Uint32Array(2 * LOG_CHUNK));
      this.values.push(new Float64Array(LOG_CHUNK));
    }
    const chunk = this.count >>> LOG_SHIFT;
    hashInto(key, second, this.scratch);
    const hashes = this.hashes[chunk] as Uint32Array;
    hashes[2 * at] = this.scratch[0] as number;
    hashes[2 * at + 1] = this.scratch[1] as number;
    (this.values[chunk] as Float64Array)[at] = value;
    this.count += 1;
  }

  /** Calls `visit` with every entry's hash (as hashInto writes it) and number, in the order added. */
  scan(visit: (hi: number, lo: number, value: number) => void): void {
    for (let chunk = 0; chunk < this.hashes.length; chunk++) {
      const hashes = this.hashes[chunk] as Uint32Array;
      const values = this.values[chunk] as Float64Array;
      const n = Math.min(LOG_CHUNK, this.count - chunk * LOG_CHUNK);
      for (let i = 0; i < n; i++)
        visit(hashes[2 * i] as number, hashes[2 * i + 1] as number, values[i] as number);
    }
  }
}
