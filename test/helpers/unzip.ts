/** Extracts a .zip (a .vsix) with node:zlib: the central directory, then each stored or deflated entry. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';

export function unzip(file: string, to: string): string[] {
  const buf = readFileSync(file);
  // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  if (eocd < 0) throw new Error(`${file}: not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let k = 0; k < count; k++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${k}`);
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const out = path.join(to, name);
    if (!out.startsWith(path.resolve(to) + path.sep)) throw new Error(`${file}: entry ${name} escapes the folder`);
    if (name.endsWith('/')) { mkdirSync(out, { recursive: true }); continue; }
    const raw = buf.subarray(dataAt, dataAt + size);
    mkdirSync(path.dirname(out), { recursive: true });
    if (method === 0) writeFileSync(out, raw);
    else if (method === 8) writeFileSync(out, inflateRawSync(raw));
    else throw new Error(`${file}: ${name} uses compression method ${method}`);
    names.push(name);
  }
  return names;
}
