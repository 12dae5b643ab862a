// Measures `quotebook host` with 10,000 notes and 100,000 quotes, as the extension drives it:
// the library sent in one message (as the service worker builds it), a first sync that
// creates every file, then a re-sync with nothing changed (which must write nothing).
//
//   cargo build --release -p quotebook-cli
//   node tests/e2e/sync-host-bench.mjs [path/to/quotebook]
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const binary = process.argv[2] ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'release/quotebook');
const NOTES = 10_000;
const QUOTES = 10;

const notes = [];
for (let i = 0; i < NOTES; i++) {
  const url = `https://site${i % 50}.example/article/${i}`;
  notes.push({
    schema: 2, id: url, url, canonical: null, aliases: [], title: `Article number ${i}`,
    authors: ['A. Writer'], site: `Site ${i % 50}`, published: null,
    created: '2024-06-05T12:00:00.000Z', updated: '2024-06-05T12:00:00.000Z',
    quotes: Array.from({ length: QUOTES }, (_, j) => ({
      id: `q${i}-${j}`, markdown: `Quote ${j} of note ${i}: some words to make it a realistic length, with *emphasis*.`,
      text: `Quote ${j} of note ${i}`, created: '2024-06-05T12:00:00.000Z', comment: '', tags: [],
    })),
  });
}
const library = `{"schema":1,"notes":${JSON.stringify(notes)}}`;

/** One host process: sends `message`, resolves to [seconds, answer] (chunks joined). */
function run(folder, message) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const host = spawn(binary, ['host', '--folder', folder], { stdio: ['pipe', 'pipe', 'inherit'] });
    let buffer = Buffer.alloc(0);
    const chunks = [];
    host.stdout.on('data', (data) => {
      buffer = Buffer.concat([buffer, data]);
      while (buffer.length >= 4) {
        const length = buffer.readUInt32LE(0);
        if (length > 1024 * 1024) reject(new Error(`a message of ${length} bytes`));
        if (buffer.length < 4 + length) return;
        const answer = JSON.parse(buffer.subarray(4, 4 + length).toString('utf8'));
        buffer = buffer.subarray(4 + length);
        if (answer.type === 'progress') continue;
        if (answer.type === 'chunk') {
          chunks.push(answer.data);
          if (answer.index + 1 < answer.count) continue;
        }
        const whole = answer.type === 'chunk' ? JSON.parse(chunks.join('')) : answer;
        const seconds = (performance.now() - started) / 1000;
        host.stdin.end();
        resolve([seconds, whole]);
      }
    });
    host.on('error', reject);
    const body = Buffer.from(JSON.stringify(message));
    const header = Buffer.alloc(4);
    header.writeUInt32LE(body.length); // little-endian machines (x86-64, arm64)
    host.stdin.write(Buffer.concat([header, body]));
  });
}

const scratch = await mkdtemp(join(tmpdir(), 'quotebook-host-bench-'));
try {
  const folder = scratch;
  console.log(`library: ${(library.length / 1e6).toFixed(1)} MB, ${NOTES} notes, ${NOTES * QUOTES} quotes`);
  const [first, a] = await run(folder, { type: 'sync', library });
  console.log(`first sync:               ${first.toFixed(2)} s  ${JSON.stringify(a.summary)}`);
  const before = (await stat(join(folder, '.quotebook/state.json'))).mtimeMs;
  const [again, b] = await run(folder, { type: 'sync', library });
  const after = (await stat(join(folder, '.quotebook/state.json'))).mtimeMs;
  console.log(`re-sync, nothing changed: ${again.toFixed(2)} s  ${JSON.stringify(b.summary)}; state rewritten: ${before !== after}`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
