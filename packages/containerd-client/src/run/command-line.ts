// Parsing what a user types for Create Container… and Exec…: command lines are split into argv the way a POSIX
// shell splits words (quotes and backslashes), but nothing is expanded and no shell runs.
import { InvalidArgumentError } from '../errors';

/**
 * `sh -c 'echo "$HOME"'` → ['sh', '-c', 'echo "$HOME"']. Single quotes are literal; inside double quotes a
 * backslash escapes only `"`, `\`, `$` and a backquote; outside quotes it escapes any character.
 */
export function splitCommandLine(line: string): string[] {
  const args: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  const fail = (what: string): never => { throw new InvalidArgumentError(`${what} in command line: ${line}`); };
  while (i < line.length) {
    const ch = line[i];
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) fail('unterminated single quote');
      cur += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      for (;;) {
        if (i >= line.length) fail('unterminated double quote');
        const c = line[i];
        if (c === '"') { i++; break; }
        if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) { cur += line[i + 1]; i += 2; continue; }
        cur += c;
        i++;
      }
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) fail('trailing backslash');
      if (line[i + 1] !== '\n') { cur += line[i + 1]; inWord = true; }
      i += 2;
    } else if (/\s/.test(ch)) {
      if (inWord) args.push(cur);
      cur = '';
      inWord = false;
      i++;
    } else {
      cur += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) args.push(cur);
  return args;
}

/** Quotes argv back into one line that splitCommandLine reads the same (for showing defaults). */
export function joinCommandLine(args: readonly string[]): string {
  return args.map((a) => (a !== '' && /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** `KEY=value` entries (or a bare `KEY`, which removes the image's value), separated like a command line. */
export function parseEnvList(text: string): string[] {
  const entries = splitCommandLine(text);
  for (const e of entries) {
    const key = e.split('=', 1)[0];
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) throw new InvalidArgumentError(`"${e}" is not an environment entry: use KEY=value`);
  }
  return entries;
}

/** `key=value` pairs separated like a command line (values may be quoted); a key without `=` gets ''. */
export function parseLabelList(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const e of splitCommandLine(text)) {
    const eq = e.indexOf('=');
    const key = eq < 0 ? e : e.slice(0, eq);
    if (!key) throw new InvalidArgumentError(`"${e}" is not a label: use key=value`);
    if (key.length > 4096) throw new InvalidArgumentError(`label key "${key.slice(0, 40)}…" is too long`);
    labels[key] = eq < 0 ? '' : e.slice(eq + 1);
  }
  return labels;
}

/** Why `name` cannot be a snapshot key, or undefined. containerd takes any string; these rules keep it sane. */
export function snapshotNameProblem(name: string): string | undefined {
  if (!name.trim()) return 'the snapshot name must not be empty';
  if (name.length > 255) return `the snapshot name is ${name.length} characters long; use at most 255`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'the snapshot name must not contain control characters';
  if (name !== name.trim()) return 'the snapshot name must not start or end with spaces';
  return undefined;
}
