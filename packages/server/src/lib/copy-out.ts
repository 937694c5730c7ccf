import type { Readable } from 'node:stream';

/**
 * Rows of a `copy (…) to stdout with (format binary)` read from the bytes as they come (the reading
 * side of {@link CopyBinary}): each field is a view of the received bytes (a subarray: no copy and no
 * string), or null. A large read kept as received buffers stays off the JavaScript heap until it is
 * used, and takes no text decoding (numbers as float8send bytes, bytea as its bytes, no base64).
 *
 * Push the chunks of the COPY stream in order with {@link push}; {@link row} answers the next whole
 * row, undefined while more bytes are needed; {@link ended} turns true at the trailer. Chunks are
 * kept as they came: only a row cut by a chunk's edge is copied (into a buffer of its own).
 */

/** The signature of the binary COPY format (then flags and the header extension's length). */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

export class CopyOutParser {
  /** Chunks not wholly read; `off` bytes of the first are. */
  private chunks: Buffer[] = [];
  private off = 0;
  private headerRead = false;
  /** Bytes pushed and not yet read. */
  buffered = 0;
  /** Whether the trailer has been read: no row follows. */
  ended = false;

  /** The next bytes of the COPY stream. */
  push(chunk: Buffer) {
    if (chunk.length === 0) return;
    if (this.ended) throw new Error('COPY data after its trailer');
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next row's fields (views of the pushed bytes; null for NULL), or undefined until more bytes come. */
  row(): (Buffer | null)[] | undefined {
    if (!this.headerRead && !this.header()) return undefined;
    if (this.ended || this.buffered < 2) return undefined;
    const first = this.chunks[0];
    const len = this.rowLength(first, this.off);
    if (len === 0) {
      // Cut by the chunk's edge (or not all in yet): read across chunks, then copied whole.
      const whole = this.rowAcross();
      return whole === undefined ? undefined : this.fields(whole, 0);
    }
    if (len < 0) return this.trailer();
    const fields = this.fields(first, this.off);
    this.skip(len);
    return fields;
  }

  /**
   * The byte length of the row at `at` of `b` when all of it is there (-1: the trailer); 0 when it
   * runs past the end of `b`.
   */
  private rowLength(b: Buffer, at: number): number {
    if (at + 2 > b.length) return 0;
    const count = b.readInt16BE(at);
    if (count === -1) return -1;
    let p = at + 2;
    for (let i = 0; i < count; i++) {
      if (p + 4 > b.length) return 0;
      const n = b.readInt32BE(p);
      p += 4 + (n > 0 ? n : 0);
    }
    return p > b.length ? 0 : p - at;
  }

  /** The fields of the whole row at `at` of `b`, as views of `b`. */
  private fields(b: Buffer, at: number): (Buffer | null)[] {
    const count = b.readInt16BE(at);
    const out: (Buffer | null)[] = new Array(count);
    let p = at + 2;
    for (let i = 0; i < count; i++) {
      const n = b.readInt32BE(p);
      p += 4;
      if (n < 0) out[i] = null;
      else {
        out[i] = b.subarray(p, p + n);
        p += n;
      }
    }
    return out;
  }

  /** Copies of the next `n` unread bytes (across chunks), or undefined when fewer are in. */
  private peek(n: number): Buffer | undefined {
    if (this.buffered < n) return undefined;
    const out = Buffer.allocUnsafe(n);
    let got = 0;
    for (let i = 0, at = this.off; got < n; i++, at = 0)
      got += this.chunks[i].copy(out, got, at, at + n - got);
    return out;
  }

  /** The next row read across chunks and copied whole (consumed), the trailer, or undefined until all is in. */
  private rowAcross(): Buffer | undefined {
    const head = this.peek(2)!;
    const count = head.readInt16BE(0);
    if (count === -1) {
      this.trailer();
      return undefined;
    }
    let len = 2;
    for (let i = 0; i < count; i++) {
      const n = this.peek(len + 4)?.readInt32BE(len);
      if (n === undefined) return undefined;
      len += 4 + (n > 0 ? n : 0);
    }
    const whole = this.peek(len);
    if (whole) this.skip(len);
    return whole;
  }

  /** Marks the next `n` bytes read, letting go of the chunks wholly read. */
  private skip(n: number) {
    this.buffered -= n;
    let off = this.off + n;
    while (this.chunks.length && off >= this.chunks[0].length) {
      off -= this.chunks[0].length;
      this.chunks.shift();
    }
    this.off = off;
  }

  private trailer(): undefined {
    this.skip(2);
    this.ended = true;
    return undefined;
  }

  /** Reads the header once it is all in (signature, flags, extension); false until then. */
  private header(): boolean {
    const fixed = this.peek(SIGNATURE.length + 8);
    if (!fixed) return false;
    if (!fixed.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
    const length = SIGNATURE.length + 8 + fixed.readUInt32BE(SIGNATURE.length + 4);
    if (this.buffered < length) return false;
    this.skip(length);
    this.headerRead = true;
    return true;
  }
}

/**
 * The rows of a binary COPY stream (pg-copy-streams' `to`), a batch at a time as they are asked for,
 * with up to `readAhead` bytes received ahead of them: past that the stream is paused (the
 * database then waits on its socket), so a slow reader holds a bounded amount, and the chunks are
 * taken as they come (a paused stream's read() would join them into one buffer).
 */
export function copyOutRows(stream: Readable, readAhead: number) {
  const parser = new CopyOutParser();
  let done = false;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const woken = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  stream.on('data', (chunk: Buffer) => {
    parser.push(chunk);
    if (parser.buffered > readAhead) stream.pause();
    woken();
  });
  stream.on('end', () => {
    done = true;
    woken();
  });
  stream.on('error', (err) => {
    failed = err;
    woken();
  });
  return {
    /** Up to `max` rows (at least one unless the COPY has ended); null after the last. */
    async next(max: number): Promise<(Buffer | null)[][] | null> {
      const rows: (Buffer | null)[][] = [];
      for (;;) {
        if (failed) throw failed;
        for (let f; rows.length < max && (f = parser.row());) rows.push(f);
        if (rows.length || parser.ended) break;
        if (done) throw new Error('the COPY ended before its trailer');
        if (stream.isPaused()) stream.resume();
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (parser.buffered <= readAhead / 2 && stream.isPaused() && !done) stream.resume();
      if (rows.length === 0) {
        // After the trailer: the stream's end, so that the connection is free again.
        while (!done && !failed) {
          stream.resume();
          await new Promise<void>((resolve) => (wake = resolve));
        }
        if (failed) throw failed;
        return null;
      }
      return rows;
    },
  };
}

/** ASCII codes of the hex digits. */
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** Where a uuid's text is written (one string made from it per uuid). */
const UUID_TEXT = Buffer.alloc(36, '-'.charCodeAt(0));

/** The text of a uuid field (16 bytes) in binary format: lowercase, with dashes, as PostgreSQL prints it. */
export function uuidText(b: Buffer): string {
  if (b.length !== 16) throw new Error(`a uuid field of ${b.length} bytes`);
  for (let i = 0, p = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) p++;
    UUID_TEXT[p++] = HEX_DIGITS[b[i] >> 4];
    UUID_TEXT[p++] = HEX_DIGITS[b[i] & 15];
  }
  return UUID_TEXT.toString('latin1', 0, 36);
}
