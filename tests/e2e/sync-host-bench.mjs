// Measures `quotebook host` with 10,000 notes and 100,000 quotes, as the extension drives it.
// The notes are laid out as the core stores them (every field, in the core's order), so the
// extension's `JSON.stringify` of a stored note is the very line the folder's backup holds.
//
// Incremental protocol (what the extension does): `digests` ([id, SHA-256 of the note's
// JSON]) → the host answers the ids it lacks → `sync` with only those notes. Measured: a
// first sync, a re-sync with nothing changed (which must write no file), a re-sync after one
// new quote. For comparison, side by side, the older way: the whole library in the `sync`
// message.
//
//   cargo build --release -p quotebook-cli
//   node tests/e2e/sync-host-bench.mjs [path/to/quotebook]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const binary = process.argv[2] ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'release/quotebook');
const NOTES = Number(process.env.QUOTEBOOK_BENCH_NOTES ?? 10_000);
const QUOTES = 10;

function makeQuote(i, j) {
  return {
    id: `q${i}-${j}`, markdown: `Quote ${j} of note ${i}: some words to make it a realistic length, with *emphasis*.`,
    text: `Quote ${j} of note ${i}`, created: `2024-06-05T12:00:${String(j).padStart(2, '0')}.000Z`, comment: '', tags: [],
    fragment: `text=Quote%20${j}%20of%20note%20${i}`, selector: null, private: false, position: j * 100,
  };
}

const notes = [];
for (let i = 0; i < NOTES; i++) {
  const url = `https://site${i % 50}.example/article/${i}`;
  notes.push({
    schema: 2, id: url, url, canonical: null, aliases: [], title: `Article number ${i}`,
    authors: ['A. Writer'], site: `Site ${i % 50}`, published: null, description: null, lang: 'en',
    created: '2024-06-05T12:00:00.000Z', updated: '2024-06-05T12:00:00.000Z',
    quotes: Array.from({ length: QUOTES }, (_, j) => makeQuote(i, j)),
  });
}

// The extension's own wasm core when it is built (`cargo xtask build`), as the extension
// computes digests; else Node's SHA-256 of the same text.
let wasm = null;
try {
  wasm = await (await import('./lib.mjs')).core();
} catch {
  console.log('(no built extension: digests with Node\'s SHA-256 instead of the core\'s)');
}
const KEYS = wasm ? wasm.sync_note_keys() : undefined;

/** What the extension computes before it talks to the host: each stored note's JSON in the
 * core's key order (storage hands keys back sorted; here they are already in order), and
 * its digest. */
function digests() {
  const started = performance.now();
  const texts = notes.map((note) => JSON.stringify(note, KEYS));
  const hashes = wasm
    ? wasm.sync_note_digests(texts)
    : texts.map((text) => createHash('sha256').update(text).digest('hex'));
  const pairs = texts.map((_, i) => [notes[i].id, hashes[i]]);
  return { texts, pairs, ms: performance.now() - started };
}

/** One host process, spoken to as the extension does; resolves to [seconds, answer, needed]. */
function converse(folder, incremental) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // CPU time, beside the wall clock: on this shared machine the wall clock mostly measures
    // the load, while user + system seconds say what an idle machine would take.
    const timeFile = join(scratch, `time-${++runs}`);
    const host = spawn('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, binary, 'host', '--folder', folder],
      { stdio: ['pipe', 'pipe', 'inherit'] });
    const cpuBefore = process.cpuUsage();
    let buffer = Buffer.alloc(0);
    const chunks = [];
    let texts = null;
    let needed = null;
    const send = (message) => {
      const body = Buffer.from(JSON.stringify(message));
      const header = Buffer.alloc(4);
      header.writeUInt32LE(body.length); // little-endian machines (x86-64, arm64)
      host.stdin.write(Buffer.concat([header, body]));
    };
    host.stdout.on('data', (data) => {
      buffer = Buffer.concat([buffer, data]);
      while (buffer.length >= 4) {
        const length = buffer.readUInt32LE(0);
        if (length > 1024 * 1024) reject(new Error(`a message of ${length} bytes`));
        if (buffer.length < 4 + length) return;
        const answer = JSON.parse(buffer.subarray(4, 4 + length).toString('utf8'));
        buffer = buffer.subarray(4 + length);
        if (answer.type === 'progress') continue;
        if (answer.type === 'need') {
          const want = new Set(answer.ids);
          needed = answer.ids.length;
          const sent = texts.filter((_, i) => want.has(notes[i].id));
          send({ type: 'sync', library: `{"schema":1,"notes":[${sent.join(',')}]}` });
          continue;
        }
        if (answer.type === 'chunk') {
          chunks.push(answer.data);
          if (answer.index + 1 < answer.count) continue;
        }
        const whole = answer.type === 'chunk' ? JSON.parse(chunks.join('')) : answer;
        const seconds = (performance.now() - started) / 1000;
        const cpu = process.cpuUsage(cpuBefore);
        host.stdin.end();
        if (whole.type !== 'result' || !whole.ok) reject(new Error(JSON.stringify(whole).slice(0, 500)));
        host.on('exit', async () => {
          const [user, system] = (await readFile(timeFile, 'utf8')).trim().split('\n').at(-1).split(' ').map(Number);
          whole.cpu = `CPU: this side ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, host ${(user + system).toFixed(2)} s`;
          resolve([seconds, whole, needed]);
        });
      }
    });
    host.on('error', reject);
    if (incremental) {
      const d = digests();
      texts = d.texts;
      send({ type: 'digests', notes: d.pairs });
    } else {
      send({ type: 'sync', library: `{"schema":1,"notes":${JSON.stringify(notes)}}` });
    }
  });
}

/** Every file under `dir` with its modification time. */
async function mtimes(dir) {
  const out = new Map();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath ?? entry.path, entry.name);
      out.set(path, (await stat(path)).mtimeMs);
    }
  }
  return out;
}

function same(a, b) {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

const scratch = await mkdtemp(join(tmpdir(), 'quotebook-host-bench-'));
let runs = 0;
try {
  const size = notes.reduce((n, note) => n + JSON.stringify(note).length, 0);
  console.log(`library: ${(size / 1e6).toFixed(1)} MB, ${NOTES} notes, ${NOTES * QUOTES} quotes; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`extension side, in Node: JSON.stringify + ${wasm ? 'the core\'s sync_note_digests (wasm)' : 'SHA-256'} for every note: ${digests().ms.toFixed(0)} ms (included in the incremental times below)`);
  const incremental = join(scratch, 'incremental');
  const whole = join(scratch, 'whole');
  for (const folder of [incremental, whole]) await mkdir(folder);
  const [first, a, firstNeeded] = await converse(incremental, true);
  console.log(`first sync (incremental):         ${first.toFixed(2)} s  ${JSON.stringify(a.summary)}; notes sent ${firstNeeded}; ${a.cpu}`);
  const [firstWhole, aw] = await converse(whole, false);
  console.log(`first sync (whole library):       ${firstWhole.toFixed(2)} s; ${aw.cpu}`);
  for (let round = 1; round <= 3; round++) {
    const before = await mtimes(incremental);
    const [again, b, needed] = await converse(incremental, true);
    const written = !same(before, await mtimes(incremental));
    const beforeWhole = await mtimes(whole);
    const [againWhole, bw] = await converse(whole, false);
    const writtenWhole = !same(beforeWhole, await mtimes(whole));
    console.log(`re-sync, nothing changed, round ${round}: incremental ${again.toFixed(2)} s (notes sent ${needed}, any file written: ${written}, ${b.summary.skipped} skipped; ${b.cpu}); whole library ${againWhole.toFixed(2)} s (any file written: ${writtenWhole}; ${bw.cpu})`);
  }
  const changed = Math.min(1234, NOTES - 1);
  notes[changed].quotes.push(makeQuote(changed, 99));
  notes[changed].updated = '2024-06-06T12:00:00.000Z';
  const [one, c, oneNeeded] = await converse(incremental, true);
  console.log(`re-sync after one new quote:      ${one.toFixed(2)} s  ${JSON.stringify(c.summary)}; notes sent ${oneNeeded}; ${c.cpu}`);
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
