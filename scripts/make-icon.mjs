// Draws media/icon.png (128×128, the marketplace icon) from the activity-bar glyph's shapes: a lens over
// three data points. Shapes are signed distance functions, 4×4 supersampled; the PNG is written by hand
// (zlib + CRC32), so no image library is needed. usage: node scripts/make-icon.mjs [out.png]
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 128, SS = 4;
const u = (v) => v * (N / 24); // the SVG's 24-unit grid → pixels

const roundedBox = (x, y, cx, cy, h, r) => {
  const qx = Math.abs(x - cx) - h + r, qy = Math.abs(y - cy) - h + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
const segment = (x, y, ax, ay, bx, by, r) => {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - t * dx, py - t * dy) - r;
};

// Layers back to front: [distance function, colour (r, g, b) or a function of y].
const layers = [
  [(x, y) => roundedBox(x, y, 64, 64, 62, 22), (x, y) => mix([24, 48, 86], [41, 98, 160], (x + y) / (2 * N))],
  [(x, y) => circle(x, y, u(10), u(10), u(6.5) - 4), () => [255, 255, 255, 0.14]],
  [(x, y) => Math.abs(circle(x, y, u(10), u(10), u(6.5))) - 4.5, () => [245, 248, 252]],
  [(x, y) => segment(x, y, u(15.2), u(15.2), u(20.5), u(20.5), 6.5), () => [245, 248, 252]],
  [(x, y) => circle(x, y, u(8), u(8.5), u(1.4)), () => [255, 163, 72]],
  [(x, y) => circle(x, y, u(12), u(9), u(1.4)), () => [94, 234, 212]],
  [(x, y) => circle(x, y, u(9.5), u(12.5), u(1.4)), () => [255, 107, 107]],
];

function mix(a, b, t) { return a.map((v, k) => v + (b[k] - v) * Math.max(0, Math.min(1, t))); }

const rgba = Buffer.alloc(N * N * 4);
for (let py = 0; py < N; py++) {
  for (let px = 0; px < N; px++) {
    let acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const x = px + (sx + 0.5) / SS, y = py + (sy + 0.5) / SS;
        let c = [0, 0, 0], a = 0; // premultiplied "over" compositing
        for (const [sdf, colour] of layers) {
          if (sdf(x, y) > 0) continue;
          const [r, g, b, alpha = 1] = colour(x, y);
          c = [r * alpha + c[0] * (1 - alpha), g * alpha + c[1] * (1 - alpha), b * alpha + c[2] * (1 - alpha)];
          a = alpha + a * (1 - alpha);
        }
        acc = [acc[0] + c[0], acc[1] + c[1], acc[2] + c[2], acc[3] + a];
      }
    }
    const s = SS * SS, o = (py * N + px) * 4, a = acc[3] / s;
    rgba[o + 3] = Math.round(255 * a);
    for (let k = 0; k < 3; k++) rgba[o + k] = a > 0 ? Math.round(Math.min(255, acc[k] / s / a)) : 0;
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc32 = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0); ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) rgba.copy(raw, y * (N * 4 + 1) + 1, y * N * 4, (y + 1) * N * 4); // filter 0 per row
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
const out = process.argv[2] ?? 'media/icon.png';
writeFileSync(out, png);
console.log(`${out}: ${N}×${N}, ${png.length} bytes`);
