// A small TOML reader for the subset hosts.toml files use: comments, [tables] with dotted and quoted names,
// key = value with strings, booleans, integers, floats, (multi-line) arrays and inline tables.
// Not supported (rejected with a message): multi-line strings, dates, arrays of tables.

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable { [key: string]: TomlValue }

export class TomlError extends Error {
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`);
    this.name = 'TomlError';
  }
}

function newTable(): TomlTable {
  return Object.create(null) as TomlTable;
}

function isTable(v: TomlValue | undefined): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseToml(text: string): TomlTable {
  return new Parser(text).parseDocument();
}

class Parser {
  private pos = 0;
  private line = 1;
  constructor(private readonly src: string) {}

  parseDocument(): TomlTable {
    const root = newTable();
    let current = root;
    for (;;) {
      this.skipBlank(true);
      if (this.pos >= this.src.length) return root;
      if (this.peek() === '[') {
        if (this.src.startsWith('[[', this.pos)) this.fail('arrays of tables are not supported');
        this.pos++;
        this.skipBlank(false);
        const keys = this.parseKeyPath();
        this.skipBlank(false);
        this.expect(']');
        current = this.descend(root, keys, true);
      } else {
        const keys = this.parseKeyPath();
        this.skipBlank(false);
        this.expect('=');
        this.skipBlank(false);
        const value = this.parseValue();
        const table = this.descend(current, keys.slice(0, -1), false);
        this.assign(table, keys[keys.length - 1], value);
      }
      this.endOfLine();
    }
  }

  private descend(from: TomlTable, keys: string[], header: boolean): TomlTable {
    let t = from;
    for (const k of keys) {
      const existing = t[k];
      if (existing === undefined) {
        const created = newTable();
        t[k] = created;
        t = created;
      } else if (isTable(existing)) {
        t = existing;
      } else {
        this.fail(`${header ? 'table' : 'key'} ${JSON.stringify(k)} is already defined as a value`);
      }
    }
    return t;
  }

  private assign(table: TomlTable, key: string, value: TomlValue): void {
    if (key in table) this.fail(`duplicate key ${JSON.stringify(key)}`);
    table[key] = value;
  }

  private parseKeyPath(): string[] {
    const keys = [this.parseKey()];
    for (;;) {
      this.skipBlank(false);
      if (this.peek() !== '.') return keys;
      this.pos++;
      this.skipBlank(false);
      keys.push(this.parseKey());
    }
  }

  private parseKey(): string {
    const c = this.peek();
    let key: string;
    if (c === '"') key = this.parseBasicString();
    else if (c === "'") key = this.parseLiteralString();
    else {
      const m = /^[A-Za-z0-9_-]+/.exec(this.src.slice(this.pos));
      if (!m) this.fail(`expected a key, found ${this.describeHere()}`);
      key = m[0];
      this.pos += key.length;
    }
    if (key === '__proto__') this.fail('"__proto__" is not allowed as a key');
    return key;
  }

  private parseValue(): TomlValue {
    const c = this.peek();
    if (c === '"') {
      if (this.src.startsWith('"""', this.pos)) this.fail('multi-line strings are not supported');
      return this.parseBasicString();
    }
    if (c === "'") {
      if (this.src.startsWith("'''", this.pos)) this.fail('multi-line strings are not supported');
      return this.parseLiteralString();
    }
    if (c === '[') return this.parseArray();
    if (c === '{') return this.parseInlineTable();
    const m = /^[^\s,\]}#]+/.exec(this.src.slice(this.pos));
    if (!m) this.fail(`expected a value, found ${this.describeHere()}`);
    const word = m[0];
    this.pos += word.length;
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (/^[+-]?(?:0|[1-9](?:_?[0-9])*)$/.test(word)) return Number(word.replace(/_/g, ''));
    if (/^[+-]?[0-9_]+(?:\.[0-9_]+)?(?:[eE][+-]?[0-9]+)?$/.test(word)) return Number(word.replace(/_/g, ''));
    return this.fail(`unsupported value ${JSON.stringify(word)} (strings must be quoted)`);
  }

  private parseArray(): TomlValue[] {
    this.expect('[');
    const out: TomlValue[] = [];
    for (;;) {
      this.skipBlank(true);
      if (this.peek() === ']') break;
      out.push(this.parseValue());
      this.skipBlank(true);
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== ']') this.fail(`expected "," or "]" in array, found ${this.describeHere()}`);
    }
    this.pos++;
    return out;
  }

  private parseInlineTable(): TomlTable {
    this.expect('{');
    const t = newTable();
    this.skipBlank(false);
    if (this.peek() === '}') {
      this.pos++;
      return t;
    }
    for (;;) {
      this.skipBlank(false);
      const keys = this.parseKeyPath();
      this.skipBlank(false);
      this.expect('=');
      this.skipBlank(false);
      const value = this.parseValue();
      this.assign(this.descend(t, keys.slice(0, -1), false), keys[keys.length - 1], value);
      this.skipBlank(false);
      if (this.peek() === ',') this.pos++;
      else if (this.peek() === '}') {
        this.pos++;
        return t;
      } else this.fail(`expected "," or "}" in inline table, found ${this.describeHere()}`);
    }
  }

  private parseBasicString(): string {
    this.expect('"');
    let out = '';
    for (;;) {
      const c = this.src[this.pos++];
      if (c === undefined || c === '\n') this.fail('unterminated string');
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.src[this.pos++];
      const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };
      if (e !== undefined && e in simple) out += simple[e];
      else if (e === 'u' || e === 'U') {
        const n = e === 'u' ? 4 : 8;
        const hex = this.src.slice(this.pos, this.pos + n);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) this.fail('invalid unicode escape');
        out += String.fromCodePoint(parseInt(hex, 16));
        this.pos += n;
      } else this.fail(`invalid escape "\\${e ?? ''}"`);
    }
  }

  private parseLiteralString(): string {
    this.expect("'");
    const end = this.src.indexOf("'", this.pos);
    const nl = this.src.indexOf('\n', this.pos);
    if (end < 0 || (nl >= 0 && nl < end)) this.fail('unterminated string');
    const s = this.src.slice(this.pos, end);
    this.pos = end + 1;
    return s;
  }

  /** Skips spaces and comments; with `newlines`, line breaks too (inside arrays and between statements). */
  private skipBlank(newlines: boolean): void {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t' || c === '\r') this.pos++;
      else if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else if (c === '\n' && newlines) {
        this.pos++;
        this.line++;
      } else return;
    }
  }

  private endOfLine(): void {
    this.skipBlank(false);
    if (this.pos >= this.src.length) return;
    if (this.src[this.pos] !== '\n') this.fail(`expected end of line, found ${this.describeHere()}`);
  }

  private expect(c: string): void {
    if (this.src[this.pos] !== c) this.fail(`expected "${c}", found ${this.describeHere()}`);
    this.pos++;
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private describeHere(): string {
    const c = this.src[this.pos];
    return c === undefined ? 'end of file' : c === '\n' ? 'end of line' : JSON.stringify(c);
  }

  private fail(message: string): never {
    throw new TomlError(message, this.line);
  }
}
