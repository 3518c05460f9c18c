/**
 * A small, strict BibTeX reader: entries `@type{key, field = value, …}` (or with parentheses), values in braces
 * (nested), in quotes, bare numbers or `@string` macros, joined with `#`. `@comment` and `@preamble` are skipped.
 * A malformed entry becomes a skip with its line and reason, and reading resumes at the next `@`.
 */

export interface BibtexEntry {
  readonly type: string;
  readonly key: string;
  /** Field names lowercased; values with the outer delimiters removed, inner braces kept. */
  readonly fields: Readonly<Record<string, string>>;
  readonly line: number;
}

export interface BibtexProblem {
  readonly line: number;
  /** The entry's key when it got that far. */
  readonly key: string | null;
  readonly reason: string;
}

export interface BibtexParseResult {
  readonly entries: BibtexEntry[];
  readonly problems: BibtexProblem[];
}

class BibtexSyntaxError extends Error {}

const NAME = /[A-Za-z0-9_:.+/'-]/;
const MONTHS: Record<string, string> = {
  jan: '1',
  feb: '2',
  mar: '3',
  apr: '4',
  may: '5',
  jun: '6',
  jul: '7',
  aug: '8',
  sep: '9',
  oct: '10',
  nov: '11',
  dec: '12',
};

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  lineAt(pos: number): number {
    let line = 1;
    for (let i = 0; i < pos && i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) line++;
    return line;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }

  expect(ch: string, what: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== ch) throw new BibtexSyntaxError(`expected ${what}`);
    this.pos++;
  }

  name(what: string): string {
    this.skipSpace();
    const start = this.pos;
    while (this.pos < this.text.length && NAME.test(this.text[this.pos]!)) this.pos++;
    if (this.pos === start) throw new BibtexSyntaxError(`expected ${what}`);
    return this.text.slice(start, this.pos);
  }

  /** A braced value, from after `{` up to its matching `}`. */
  braced(): string {
    const start = this.pos;
    let depth = 1;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos++];
      if (ch === '\\') {
        this.pos++;
        continue;
      }
      if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) return this.text.slice(start, this.pos - 1);
      else if (ch === '@' && depth === 1 && this.text[this.pos - 2] === '\n') break;
    }
    throw new BibtexSyntaxError('unbalanced braces');
  }

  quoted(): string {
    const start = this.pos;
    let depth = 0;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos++];
      if (ch === '\\') {
        this.pos++;
        continue;
      }
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
      else if (ch === '"' && depth === 0) return this.text.slice(start, this.pos - 1);
      else if (ch === '\n' && this.text[this.pos] === '@') break;
    }
    throw new BibtexSyntaxError('unterminated quoted value');
  }

  value(strings: ReadonlyMap<string, string>): string {
    const parts: string[] = [];
    for (;;) {
      this.skipSpace();
      const ch = this.peek();
      if (ch === '{') {
        this.pos++;
        parts.push(this.braced());
      } else if (ch === '"') {
        this.pos++;
        parts.push(this.quoted());
      } else if (ch !== undefined && /[0-9]/.test(ch)) {
        parts.push(this.name('a value'));
      } else {
        const macro = this.name('a value').toLowerCase();
        parts.push(strings.get(macro) ?? MONTHS[macro] ?? macro);
      }
      this.skipSpace();
      if (this.peek() !== '#') return parts.join('');
      this.pos++;
    }
  }
}

/** Reads every entry it can; never throws. */
export function parseBibtex(text: string): BibtexParseResult {
  const reader = new Reader(text);
  const entries: BibtexEntry[] = [];
  const problems: BibtexProblem[] = [];
  const strings = new Map<string, string>();
  for (;;) {
    const at = text.indexOf('@', reader.pos);
    if (at < 0) break;
    reader.pos = at + 1;
    let key: string | null = null;
    try {
      const type = reader.name('an entry type').toLowerCase();
      reader.skipSpace();
      const open = reader.peek();
      if (open !== '{' && open !== '(') throw new BibtexSyntaxError('expected { after the entry type');
      reader.pos++;
      const close = open === '{' ? '}' : ')';
      if (type === 'comment' || type === 'preamble') {
        if (open === '{') reader.braced();
        continue;
      }
      if (type === 'string') {
        const name = reader.name('a macro name').toLowerCase();
        reader.expect('=', '= after the macro name');
        strings.set(name, reader.value(strings));
        reader.expect(close, `${close} closing the @string`);
        continue;
      }
      key = reader.name('a citation key');
      const fields: Record<string, string> = {};
      for (;;) {
        reader.skipSpace();
        if (reader.peek() === close) {
          reader.pos++;
          break;
        }
        reader.expect(',', `, or ${close} after the ${Object.keys(fields).length === 0 ? 'key' : 'field'}`);
        reader.skipSpace();
        if (reader.peek() === close) {
          reader.pos++;
          break;
        }
        const name = reader.name('a field name').toLowerCase();
        reader.expect('=', `= after the field ${name}`);
        fields[name] = reader.value(strings);
      }
      entries.push({ type, key, fields, line: reader.lineAt(at) });
    } catch (error) {
      if (!(error instanceof BibtexSyntaxError)) throw error;
      problems.push({ line: reader.lineAt(at), key, reason: `malformed entry: ${error.message}` });
      // Resume at the next entry: an @ at the start of a line after this one.
      const next = text.slice(at + 1).search(/\n\s*@/);
      reader.pos = next < 0 ? text.length : at + 1 + next + 1;
    }
  }
  return { entries, problems };
}
