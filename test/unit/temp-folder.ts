// A fresh temp folder for each test of a describe() (made before, removed after) and a writer of files into it,
// for tests that check real files: the folder is handed to `use` before each test.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Writes `text` to `name` (folders made as needed) with exactly `mode`, and returns its path. */
export type WriteFile = (name: string, text: string, mode?: number) => string;

export function tempFolderPerTest(prefix: string, use: (dir: string) => void): WriteFile {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    use(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  return (name, text, mode = 0o644) => {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text, { mode });
    fs.chmodSync(p, mode); // the umask may have narrowed it
    return p;
  };
}
