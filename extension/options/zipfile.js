// @ts-check
// A `.zip` writer on the platform's own deflate (`CompressionStream('deflate-raw')`, Chrome
// 103+, Firefox 113+), written for Quotebook from the format's specification (PKWARE's
// APPNOTE): each entry is deflated whole, so its sizes and CRC-32 are known before its
// local header is written and no data descriptor is needed. No Zip64: an archive past the
// classic format's limits (65,535 entries, 4 GiB) is refused with a clear error instead
// of being written corrupt. Pure: no DOM, no extension APIs (tested in Node as well).

/** The classic format's limits: a 16-bit entry count, 32-bit sizes and offsets. */
export const MAX_ENTRIES = 0xffff;
export const MAX_BYTES = 0xffffffff;

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** Version 2.0: deflate. */
const VERSION = 20;
/** "Made by" Unix (3 in the high byte), so readers take the permissions below. */
const MADE_BY = (3 << 8) | VERSION;
/** A regular file, rw-r--r--, in the high half of the external attributes. */
const UNIX_FILE = (0o100644 << 16) >>> 0;
/** Flag bit 11: the name is UTF-8. */
const UTF8 = 0x0800;
const DEFLATE = 8;

let crcTable;

/** The CRC-32 (ISO-HDLC, reflected 0xEDB88320) of `bytes`. */
export function crc32(bytes) {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** `bytes`, deflated raw (no zlib header) by the platform. */
export async function deflateRaw(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * A `Date` as MS-DOS time and date (local time, two-second steps, 1980-2107); dates the
 * format cannot hold become 1980-01-01 00:00.
 */
export function dosDateTime(date) {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return { time: 0, date: 0x21 };
  const year = date.getFullYear();
  if (year < 1980 || year > 2107) return { time: 0, date: 0x21 };
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/**
 * Thrown when an archive would pass the classic format's limits; its message starts with
 * `zip_too_large:`, which the pages show as the message `error_zip_too_large`.
 */
export class ZipLimitError extends Error {
  constructor(detail) {
    super(`zip_too_large: ${detail}`);
    this.name = 'ZipLimitError';
  }
}

/**
 * Builds a `.zip` in memory: `add(name, bytes, date)` for each file (`await flush()` now and
 * then, to bound the work in flight), then `await finish()` for the Blob. `limits` lowers the format's limits (`{entries, bytes}`; tests use it).
 */
export class ZipWriter {
  constructor(limits = {}) {
    this.maxEntries = Math.min(limits.entries ?? MAX_ENTRIES, MAX_ENTRIES);
    this.maxBytes = Math.min(limits.bytes ?? MAX_BYTES, MAX_BYTES);
    this.encoder = new TextEncoder();
    this.parts = [];
    this.central = [];
    this.pending = [];
    this.offset = 0;
    this.count = 0;
  }

  /** Throws at once when `count` files would not fit (before any work is done). */
  expect(count) {
    if (count > this.maxEntries) this.tooMany();
  }

  /**
   * Adds `bytes` (a Uint8Array) as the path `name` ('/' between folders), dated `date`. Its
   * deflate starts now and runs alongside the others until the next `flush()`, which lays
   * the entries out in the order they were added.
   */
  add(name, bytes, date) {
    if (this.count >= this.maxEntries) this.tooMany();
    const nameBytes = this.encoder.encode(name);
    if (nameBytes.length > 0xffff) throw new ZipLimitError(`a file name of ${nameBytes.length} bytes`);
    if (bytes.length > this.maxBytes) this.tooLarge();
    const data = deflateRaw(bytes);
    // Awaited in flush(); this only keeps an entry left behind by an error from being
    // reported as an unhandled rejection.
    data.catch(() => {});
    this.pending.push({ nameBytes, crc: crc32(bytes), size: bytes.length, dos: dosDateTime(date), data });
    this.count++;
  }

  /** Waits for the entries added so far and lays them out (only their deflated bytes stay). */
  async flush() {
    const pending = this.pending;
    this.pending = [];
    for (const entry of pending) this.place(entry, await entry.data);
  }

  place({ nameBytes, crc, size, dos }, data) {
    const { time, date: day } = dos;
    const headerSize = 30 + nameBytes.length;
    const end = this.offset + headerSize + data.length;
    if (end > this.maxBytes) this.tooLarge();

    const local = new Uint8Array(headerSize);
    const l = new DataView(local.buffer);
    l.setUint32(0, LOCAL_HEADER, true);
    l.setUint16(4, VERSION, true);
    l.setUint16(6, UTF8, true);
    l.setUint16(8, DEFLATE, true);
    l.setUint16(10, time, true);
    l.setUint16(12, day, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, data.length, true);
    l.setUint32(22, size, true);
    l.setUint16(26, nameBytes.length, true);
    l.setUint16(28, 0, true); // no extra field
    local.set(nameBytes, 30);

    const central = new Uint8Array(46 + nameBytes.length);
    const c = new DataView(central.buffer);
    c.setUint32(0, CENTRAL_HEADER, true);
    c.setUint16(4, MADE_BY, true);
    c.setUint16(6, VERSION, true);
    c.setUint16(8, UTF8, true);
    c.setUint16(10, DEFLATE, true);
    c.setUint16(12, time, true);
    c.setUint16(14, day, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, data.length, true);
    c.setUint32(24, size, true);
    c.setUint16(28, nameBytes.length, true);
    // Extra field, comment, disk number and internal attributes: all zero.
    c.setUint32(38, UNIX_FILE, true);
    c.setUint32(42, this.offset, true);
    central.set(nameBytes, 46);

    this.parts.push(local, data);
    this.central.push(central);
    this.offset = end;
  }

  /** The archive, once every entry is laid out: the entries, the central directory, its end record. */
  async finish() {
    await this.flush();
    const size = this.central.reduce((sum, header) => sum + header.length, 0);
    if (this.offset + size + 22 > this.maxBytes) this.tooLarge();
    const record = new Uint8Array(22);
    const e = new DataView(record.buffer);
    e.setUint32(0, END_OF_CENTRAL_DIRECTORY, true);
    // This disk and the directory's disk: 0.
    e.setUint16(8, this.count, true);
    e.setUint16(10, this.count, true);
    e.setUint32(12, size, true);
    e.setUint32(16, this.offset, true);
    // No comment.
    return new Blob([...this.parts, ...this.central, record], { type: 'application/zip' });
  }

  tooMany() {
    throw new ZipLimitError(`a .zip without Zip64 holds at most ${this.maxEntries} files`);
  }

  tooLarge() {
    throw new ZipLimitError(`a .zip without Zip64 holds at most ${this.maxBytes} bytes`);
  }
}
