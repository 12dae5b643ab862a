// Reading `.zip` files in tests with real unzippers rather than our own code: Python's
// `zipfile` (which checks each entry's CRC-32 as it reads) and Info-ZIP's `unzip -t`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PYTHON = `
import base64, json, sys, zipfile
out = []
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    if bad is not None:
        sys.exit('bad CRC: ' + bad)
    for info in z.infolist():
        out.append({
            'name': info.filename,
            'compressType': info.compress_type,
            'compressSize': info.compress_size,
            'crc': info.CRC,
            'dateTime': list(info.date_time),
            'mode': info.external_attr >> 16,
            'bytes': base64.b64encode(z.read(info)).decode(),
        })
json.dump(out, sys.stdout)
`;

function withFile(bytes, run) {
  const dir = mkdtempSync(path.join(tmpdir(), 'quotebook-zip-read-'));
  try {
    const file = path.join(dir, 'archive.zip');
    writeFileSync(file, bytes);
    return run(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The entries of the archive `bytes`, in order, as Python's `zipfile` reads them:
 * `{name, compressType, compressSize, crc, dateTime, mode, bytes}` (`bytes` a Buffer).
 * Throws when Python cannot read it or a CRC does not match.
 */
export function readZip(bytes) {
  const python = process.env.QUOTEBOOK_PYTHON ?? 'python3';
  const json = withFile(bytes, (file) => execFileSync(python, ['-c', PYTHON, file], { maxBuffer: 1 << 30 }));
  return JSON.parse(json).map((entry) => ({ ...entry, bytes: Buffer.from(entry.bytes, 'base64') }));
}

/** `unzip -t`'s report on `bytes`, or null when Info-ZIP's `unzip` is not installed. */
export function unzipTest(bytes) {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return withFile(bytes, (file) => execFileSync('unzip', ['-t', file], { encoding: 'utf8' }));
}
