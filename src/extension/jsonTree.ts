/**
 * A small JSON parser that keeps offsets, so config problems can be shown as diagnostics on the exact
 * key or value. Accepts strict JSON (plus // and block comments, which VS Code allows in JSON files).
 */
export type JsonNode =
  | { type: 'object'; offset: number; length: number; props: JsonProp[] }
  | { type: 'array'; offset: number; length: number; items: JsonNode[] }
  | { type: 'string'; offset: number; length: number; value: string }
  | { type: 'number'; offset: number; length: number; value: number }
  | { type: 'boolean'; offset: number; length: number; value: boolean }
  | { type: 'null'; offset: number; length: number; value: null };

export interface JsonProp { key: string; keyOffset: number; keyLength: number; value: JsonNode }

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) { super(message); this.name = 'JsonSyntaxError'; }
}

export function parseJsonTree(text: string): JsonNode {
  let i = 0;
  const fail = (msg: string): never => { throw new JsonSyntaxError(msg, Math.min(i, text.length)); };
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff) { i++; continue; }
      if (c === 47 && text[i + 1] === '/') { while (i < text.length && text[i] !== '\n') i++; continue; }
      if (c === 47 && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) fail('unterminated comment');
        i = end + 2; continue;
      }
      return;
    }
  };
  const str = (): { value: string; offset: number; length: number } => {
    const start = i;
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i];
      if (c === '"') { i++; break; }
      if (c === '\n') fail('line break in string');
      if (c === '\\') {
        const e = text[i + 1];
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16)); i += 6; continue;
        }
        if (!(e in map)) fail(`bad escape \\${e ?? ''}`);
        out += map[e]; i += 2; continue;
      }
      out += c; i++;
    }
    return { value: out, offset: start, length: i - start };
  };
  const value = (): JsonNode => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const props: JsonProp[] = [];
      ws();
      if (text[i] === '}') { i++; return { type: 'object', offset: start, length: i - start, props }; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a property name in double quotes');
        const k = str();
        ws();
        if (text[i] !== ':') fail('expected ":" after the property name');
        i++;
        const v = value();
        props.push({ key: k.value, keyOffset: k.offset, keyLength: k.length, value: v });
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return { type: 'object', offset: start, length: i - start, props }; }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === ']') { i++; return { type: 'array', offset: start, length: i - start, items }; }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return { type: 'array', offset: start, length: i - start, items }; }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') { const s = str(); return { type: 'string', ...s }; }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (m) { i += m[0].length; return { type: 'number', offset: start, length: m[0].length, value: Number(m[0]) }; }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v === null ? { type: 'null', offset: start, length: word.length, value: null } : { type: 'boolean', offset: start, length: word.length, value: v };
      }
    }
    return fail(i >= text.length ? 'unexpected end of file' : `unexpected character ${JSON.stringify(c)}`);
  };
  const root = value();
  ws();
  if (i < text.length) fail('unexpected text after the end of the JSON value');
  return root;
}

/** Plain JS value of a node. */
export function toValue(n: JsonNode): unknown {
  switch (n.type) {
    case 'object': return Object.fromEntries(n.props.map((p) => [p.key, toValue(p.value)]));
    case 'array': return n.items.map(toValue);
    default: return n.value;
  }
}
