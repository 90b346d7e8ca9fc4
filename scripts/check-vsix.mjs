// Builds the .vsix (npm run package) and checks it holds only what runs: the bundle, the manifest, media, README, LICENSE.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

const allowed = [/^dist\/extension\.js$/, /^dist\/webview\/stats\.(js|css)$/, /^package\.json$/, /^README\.md$/, /^LICENSE$/, /^CHANGELOG\.md$/, /^media\/[\w.-]+\.(svg|png)$/, /^media\/walkthrough\/[\w.-]+\.(md|svg|png)$/];
execFileSync('npm', ['run', 'package'], { stdio: 'inherit' });
const files = execFileSync('npx', ['vsce', 'ls', '--no-dependencies'], { encoding: 'utf8' }).split('\n').map((l) => l.trim()).filter(Boolean);
const extra = files.filter((f) => !allowed.some((re) => re.test(f)));
const size = statSync('dist-vsix/containerd-explorer.vsix').size;
console.log(`vsix: ${files.length} files, ${(size / 1024).toFixed(0)} KiB: ${files.join(', ')}`);
if (extra.length || !files.includes('dist/extension.js')) {
  console.error(`vsix: unexpected contents: ${extra.join(', ') || 'dist/extension.js missing'}`);
  process.exit(1);
}
