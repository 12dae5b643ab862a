// The images the image tests save, served by a server of their own: real PNGs made here,
// and the hostile cases of issue 16 (a 60 MB image, an SVG with script, a PNG named .jpg,
// text served as image/png, a 404, 200 images in one selection). The server counts what it
// sends, so a test can tell that a download stopped past the limit, and records every
// request, so a test can tell that nothing was asked for that should not have been.
import { createServer } from 'node:http';
import { deflateSync, crc32 } from 'node:zlib';
import { listen } from './lib.mjs';

/** A PNG of `width`×`height` pixels of one colour (`[r, g, b]`). */
export function png(width, height, [r, g, b] = [200, 30, 30]) {
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x += 1) row.set([r, g, b], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG of `width`×`height` pixels of noise (it compresses to about its raw size). */
export function noisePng(width, height) {
  const image = png(width, height);
  // Same header, new pixel data: random bytes, each row led by filter type 0.
  const raw = Buffer.alloc(height * (1 + width * 3));
  for (let i = 0; i < raw.length; i += 1) raw[i] = (i * 2654435761 + (i >>> 7) * 40503) & 0xff;
  for (let y = 0; y < height; y += 1) raw[y * (1 + width * 3)] = 0;
  const idat = deflateSync(raw, { level: 0 });
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])), 8 + data.length);
    return out;
  };
  return Buffer.concat([image.subarray(0, 33), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

export const RED = png(4, 3);
export const BLUE = png(5, 2, [20, 40, 220]);
export const GREEN = png(3, 3, [20, 200, 40]);
export const PIXEL = png(1, 1);
export const HUGE = 60 * 1024 * 1024;
/** Over 8 MB once in base64: the library sent to the native host travels in parts. */
export const NOISE = noisePng(1400, 1500);
export const GALLERY = 200;
export const SCRIPTED_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10" onload="alert(1)"><script>alert(2)</script><rect width="20" height="10" fill="green"/></svg>';

/**
 * Starts the server on 127.0.0.1: `{origin, other, close(), sent, requests}`. `other` is the
 * same server under the name `localhost`, another origin, which the test build has no host
 * permission for; `sent[path]` counts the body bytes sent, `requests` lists the paths asked.
 */
export async function serveImages() {
  const sent = {};
  const requests = [];
  let origin = '';
  let other = '';
  const page = (title, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    requests.push(path);
    const send = (type, body, status = 200) => {
      sent[path] = (sent[path] ?? 0) + body.length;
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    };
    switch (path) {
      case '/red.png': return send('image/png', RED);
      case '/blue.png': return send('image/png', BLUE);
      case '/green.png': return send('image/png', GREEN);
      case '/pixel.png': return send('image/png', PIXEL);
      case '/noise.png': return send('image/png', NOISE);
      case '/photo.jpg': return send('image/jpeg', BLUE); // a PNG, whatever its name says
      case '/text.png': return send('image/png', Buffer.from('This is text, not an image.\n'.repeat(20)));
      case '/script.svg': return send('image/svg+xml', Buffer.from(SCRIPTED_SVG));
      case '/missing.png': return send('text/plain', Buffer.from('not found'), 404);
      case '/huge.png': {
        // No content-length: the reader only learns the size by reading.
        response.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
        const block = Buffer.alloc(1024 * 1024, 7);
        block.set(RED.subarray(0, 33)); // a PNG's signature and header, then noise
        let left = HUGE / block.length;
        sent[path] = 0;
        const more = () => {
          while (left > 0) {
            left -= 1;
            sent[path] += block.length;
            if (!response.write(block)) {
              response.once('drain', more);
              return;
            }
          }
          response.end();
        };
        response.on('close', () => { left = 0; });
        return more();
      }
      case '/figure.html':
        return send('text/html; charset=utf-8', Buffer.from(page('A figure', `
<h1>A figure</h1>
<p id="before">The chart below shows the red square.</p>
<figure><img id="red" src="/red.png" alt="A red square" width="120" height="90"><figcaption>Figure 1: <em>red</em>, on purpose.</figcaption></figure>
<p id="after">And here is <img id="inline" src="/blue.png" alt="blue"> a blue one inline, with <img id="pixel" src="/pixel.png" alt=""> a pixel.</p>
<p><img id="foreign" src="${other}/blue.png" alt="From elsewhere" width="100" height="40"></p>
<p id="elsewhere-local">Here too: <img src="/green.png?here" alt="Green here" width="40" height="30"> again.</p>
<p id="elsewhere">Elsewhere: <img src="${other}/red.png" alt="Red from elsewhere" width="40" height="30"> too.</p>
<p><img id="data" src="data:image/png;base64,${BLUE.toString('base64')}" alt="Inline data" width="100" height="40"></p>
<p id="hostile">Hostile: <img src="/huge.png" alt="huge" width="40" height="40"> <img src="/script.svg" alt="svg"> <img src="/photo.jpg" alt="photo">
<img src="/text.png" alt="text"> <img src="/missing.png" alt="missing"> end.</p>`)));
      case '/gallery.html': {
        const images = Array.from({ length: GALLERY }, (_, i) => `<img src="/${i % 2 ? 'red' : 'blue'}.png?n=${i}" alt="picture ${i}">`).join(' ');
        return send('text/html; charset=utf-8', Buffer.from(page('A gallery', `<p id="gallery">Start of the gallery. ${images} End of the gallery.</p>`)));
      }
      default: return send('text/plain', Buffer.from('not found'), 404);
    }
  });
  const listening = await listen(server);
  origin = listening.origin;
  other = origin.replace('127.0.0.1', 'localhost');
  return { origin, other, close: listening.close, sent, requests };
}
