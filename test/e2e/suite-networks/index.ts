// extensionTestsPath of the networks suite: VS Code calls run() inside the extension host.
import { runMochaInHost } from '../runner/mocha-in-host';

export function run(): Promise<void> {
  return runMochaInHost(__dirname, { timeout: 90_000 });
}
