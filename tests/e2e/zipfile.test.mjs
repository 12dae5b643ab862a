// The options page's `.zip` writer (`extension/options/zipfile.js`) in Node, which has the
// same `CompressionStream`: archives read back by real unzippers (Python's `zipfile`, which
// checks every CRC, and Info-ZIP's `unzip -t` when installed), and the format's limits
// refused with a clear error rather than written corrupt.
// node --test tests/e2e/zipfile.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readZip, unzipTest } from './zip-read.mjs';
import { MAX_BYTES, MAX_ENTRIES, ZipWriter, crc32, dosDateTime } from '../../extension/options/zipfile.js';

const encode = (text) => new TextEncoder().encode(text);

test('CRC-32 check values', () => {
  assert.equal(crc32(new Uint8Array()), 0);
  assert.equal(crc32(encode('123456789')), 0xcbf43926);
  assert.equal(crc32(encode('The quick brown fox jumps over the lazy dog')), 0x414fa339);
  assert.equal(crc32(new Uint8Array(32).fill(0xff)), 0xff6cab0b);
});

test('MS-DOS times: local time in two-second steps, 1980 for what a zip cannot hold', () => {
  const date = new Date(2024, 2, 1, 13, 45, 59);
  const dos = dosDateTime(date);
  assert.equal(dos.date, ((2024 - 1980) << 9) | (3 << 5) | 1);
  assert.equal(dos.time, (13 << 11) | (45 << 5) | 29);
  for (const outside of [new Date(1979, 11, 31), new Date(2108, 0, 1), new Date('nonsense'), undefined]) {
    assert.deepEqual(dosDateTime(outside), { time: 0, date: (1 << 5) | 1 });
  }
});

test('an archive of many kinds of files opens in real unzippers, byte for byte', async () => {
  const random = new Uint8Array(70_000);
  let seed = 1;
  for (let i = 0; i < random.length; i++) random[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  const files = [
    ['Notes in the margin.md', encode('> A quote.\n\nA comment.\n'.repeat(500))],
    ['empty.md', new Uint8Array()],
    ['site.example/Été à Zürich — ☕ 日本語.md', encode('Non-ASCII names and text: é ☕ 日本語 🎉\n')],
    ['deep/er/folder/x.md', encode('x')],
    ['random.bin', random],
  ];
  const when = new Date(2024, 5, 4, 12, 57, 2);
  const zip = new ZipWriter();
  // Laid out in the order added, across flushes.
  for (const [i, [name, bytes]] of files.entries()) {
    zip.add(name, bytes, when);
    if (i === 1) await zip.flush();
  }
  const archive = new Uint8Array(await (await zip.finish()).arrayBuffer());

  const read = readZip(archive);
  assert.deepEqual(read.map((f) => f.name), files.map(([name]) => name));
  for (const [i, [name, bytes]] of files.entries()) {
    const entry = read[i];
    assert.deepEqual(entry.bytes, Buffer.from(bytes), name);
    assert.equal(entry.compressType, 8, `${name} is deflated`);
    assert.equal(entry.crc, crc32(bytes), name);
    assert.deepEqual(entry.dateTime, [2024, 6, 4, 12, 57, 2], name);
    assert.equal(entry.mode, 0o100644, name);
  }
  // Deflate pays on text: the repeated note shrinks to a small part of itself.
  assert.ok(read[0].compressSize < read[0].bytes.length / 20, `${read[0].compressSize}`);
  const tested = unzipTest(archive);
  if (tested !== null) assert.match(tested, /No errors detected/);
});

test('an empty archive is a valid zip with no entries', async () => {
  const archive = new Uint8Array(await (await new ZipWriter().finish()).arrayBuffer());
  assert.equal(archive.length, 22);
  assert.deepEqual(readZip(archive), []);
});

test('past the format\'s limits the writer refuses with zip_too_large, never a corrupt file', async () => {
  assert.equal(MAX_ENTRIES, 65_535);
  assert.equal(MAX_BYTES, 2 ** 32 - 1);
  // The same checks, at limits small enough to reach in a test.
  const few = new ZipWriter({ entries: 2 });
  assert.throws(() => few.expect(3), /^ZipLimitError: zip_too_large: a \.zip without Zip64 holds at most 2 files$/);
  few.expect(2);
  few.add('a.md', encode('a'));
  few.add('b.md', encode('b'));
  assert.throws(() => few.add('c.md', encode('c')), /zip_too_large: .* at most 2 files/);
  // What was added before the refusal still makes a good archive.
  const kept = new Uint8Array(await (await few.finish()).arrayBuffer());
  assert.deepEqual(readZip(kept).map((f) => f.name), ['a.md', 'b.md']);

  const small = new ZipWriter({ bytes: 200 });
  small.add('a.md', encode('a'));
  assert.throws(() => small.add('b.md', new Uint8Array(300)), /^ZipLimitError: zip_too_large: a \.zip without Zip64 holds at most 200 bytes$/);
  await small.flush();
  // Under the limit raw, past it with the headers and the first entry.
  const noise = Uint8Array.from({ length: 150 }, (_, i) => (i * 2654435761) >>> 23);
  small.add('b.md', noise);
  await assert.rejects(small.flush(), /zip_too_large: .* at most 200 bytes/);
  // The entries fit but not the directory after them.
  const tight = new ZipWriter({ bytes: 100 });
  tight.add('a.md', encode('a'));
  await tight.flush();
  await assert.rejects(tight.finish(), /zip_too_large/);
  // The real limits cannot be raised.
  assert.equal(new ZipWriter({ entries: 1e6, bytes: 1e12 }).maxEntries, MAX_ENTRIES);
  assert.equal(new ZipWriter({ entries: 1e6, bytes: 1e12 }).maxBytes, MAX_BYTES);
});
