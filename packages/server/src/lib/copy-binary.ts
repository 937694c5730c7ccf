/**
 * Rows in COPY's binary format (`copy … from stdin with (format binary)`) written straight into
 * buffers of 1 MiB: the server stores each field as sent, without parsing text (uuids, times,
 * numbers: a quarter of the database's time for a million-row values import in text format).
 * Fields are added in table column order after {@link CopyBinary.row}; {@link CopyBinary.take}
 * answers the bytes of one whole COPY (signature, rows, trailer).
 */

const BUFFER_BYTES = 1 << 20;
/** Signature, flags and header extension length. */
const HEADER = Buffer.from([
  ...Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'),
  ...[0, 0, 0, 0],
  ...[0, 0, 0, 0],
]);
/** Texts up to this length are copied to the buffer in JavaScript rather than by Buffer#write. */
const SHORT_TEXT = 256;
/** Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01. */
const PG_EPOCH_MS = 946_684_800_000;

/** The value of one hex digit (lower or upper case). */
function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  throw new Error('not a uuid');
}

export class CopyBinary {
  private full: Buffer[] = [];
  private buf: Buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private pos = 0;
  private started = false;
  /** Bytes of the buffers in `full`. */
  private base = 0;
  /** Where each row added since the last take starts (from the COPY's first byte). */
  private starts: number[] = [];
  /** Rows added since the last {@link take}. */
  rows = 0;

  /**
   * The bytes of fields written by `write` alone (no signature), to be added to many rows with
   * {@link field}: a value the same in every row is encoded once.
   */
  static encode(write: (b: CopyBinary) => void): Buffer {
    const b = new CopyBinary();
    b.started = true;
    write(b);
    return Buffer.from(b.buf.subarray(0, b.pos));
  }

  /** Fields encoded beforehand ({@link encode}). */
  field(bytes: Buffer) {
    this.room(bytes.length);
    // Byte by byte: Buffer#copy costs more than the copy for a few bytes.
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < bytes.length; i++) b[p++] = bytes[i];
    this.pos = p;
  }

  /** Room for `n` more bytes in the current buffer. */
  private room(n: number) {
    if (!this.started) {
      this.started = true;
      this.room(HEADER.length + n);
      this.pos += HEADER.copy(this.buf, this.pos);
      return;
    }
    if (this.pos + n <= this.buf.length) return;
    if (this.pos) this.full.push(this.buf.subarray(0, this.pos));
    this.base += this.pos;
    this.buf = Buffer.allocUnsafe(Math.max(BUFFER_BYTES, n));
    this.pos = 0;
  }

  /** Starts a row of `fields` fields. */
  row(fields: number) {
    this.room(2);
    this.starts.push(this.base + this.pos);
    this.buf[this.pos] = fields >>> 8;
    this.buf[this.pos + 1] = fields;
    this.pos += 2;
    this.rows++;
  }

  null() {
    this.room(4);
    this.int32At(-1, this.pos);
    this.pos += 4;
  }

  /** A text (or varchar) field; null as NULL. */
  text(s: string | null) {
    if (s === null) return this.null();
    this.room(4 + s.length * 3);
    const n = this.utf8(s, this.pos + 4);
    this.int32At(n, this.pos);
    this.pos += 4 + n;
  }

  /** A jsonb field from its JSON text (format version 1). */
  jsonb(json: string) {
    this.room(5 + json.length * 3);
    const n = this.utf8(json, this.pos + 5);
    this.int32At(n + 1, this.pos);
    this.buf[this.pos + 4] = 1;
    this.pos += 5 + n;
  }

  /**
   * Writes `s` as UTF-8 at `at` (room made), answering its byte length. A short ASCII text is copied
   * code by code: Buffer#write's call into C++ cost more than the copy (a million-row import writes
   * five texts a row).
   */
  private utf8(s: string, at: number): number {
    const b = this.buf;
    const n = s.length;
    if (n > SHORT_TEXT) return b.write(s, at, 'utf8');
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return i + b.write(s.slice(i), at + i, 'utf8');
      b[at + i] = c;
    }
    return n;
  }

  /** A 32-bit integer at `at` (big-endian; room made). */
  private int32At(n: number, at: number) {
    const b = this.buf;
    b[at] = n >>> 24;
    b[at + 1] = n >>> 16;
    b[at + 2] = n >>> 8;
    b[at + 3] = n;
  }

  /** A uuid field from its text (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`). */
  uuid(s: string) {
    if (s.length !== 36) throw new Error('not a uuid');
    this.room(20);
    const b = this.buf;
    this.int32At(16, this.pos);
    let p = this.pos + 4;
    for (let i = 0; i < 36; i++) {
      if (i === 8 || i === 13 || i === 18 || i === 23) continue;
      b[p++] = (nibble(s.charCodeAt(i)) << 4) | nibble(s.charCodeAt(++i));
    }
    this.pos = p;
  }

  /** A bigint field (a safe integer). */
  int8(n: number) {
    this.room(12);
    let p = this.buf.writeInt32BE(8, this.pos);
    const hi = Math.floor(n / 0x1_0000_0000);
    p = this.buf.writeInt32BE(hi, p);
    this.pos = this.buf.writeUInt32BE(n - hi * 0x1_0000_0000, p);
  }

  /** An integer field. */
  int4(n: number) {
    this.room(8);
    const p = this.buf.writeInt32BE(4, this.pos);
    this.pos = this.buf.writeInt32BE(n, p);
  }

  /** A double precision field. */
  float8(x: number) {
    this.room(12);
    const p = this.buf.writeInt32BE(8, this.pos);
    this.pos = this.buf.writeDoubleBE(x, p);
  }

  /** A timestamptz field at a time in milliseconds since 1970. */
  timestamptz(ms: number) {
    this.int8((ms - PG_EPOCH_MS) * 1000);
  }

  /** The bytes of the rows added so far as one COPY (empty when none); starts again empty. */
  take(): Buffer[] {
    if (!this.started) return [];
    this.room(2);
    this.pos = this.buf.writeInt16BE(-1, this.pos);
    this.full.push(this.buf.subarray(0, this.pos));
    const out = this.full;
    this.full = [];
    this.buf = Buffer.allocUnsafe(BUFFER_BYTES);
    this.pos = 0;
    this.base = 0;
    this.starts = [];
    this.started = false;
    this.rows = 0;
    return out;
  }

  /**
   * As {@link take}, the rows in another order: `order` lists each row's index (in the order added)
   * once, in the order the COPY sends them.
   */
  takeInOrder(order: ArrayLike<number>): Buffer[] {
    const starts = this.starts;
    if (order.length !== starts.length) throw new Error('an order of every row');
    const end = this.base + this.pos;
    const parts = this.take();
    if (!parts.length) return parts;
    const all = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    const out = Buffer.allocUnsafe(all.length);
    let p = all.copy(out, 0, 0, HEADER.length);
    for (let i = 0; i < order.length; i++) {
      const r = order[i];
      p += all.copy(out, p, starts[r], r + 1 < starts.length ? starts[r + 1] : end);
    }
    all.copy(out, p, end);
    return [out];
  }
}
