// The layer fences in eslint.config.mjs bite: a deliberate violation in each layer fails lint with the fence's
// message, and the imports each layer is allowed pass. (Lints text as if it were a file of that layer.)
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '../../..');

async function fenceMessages(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('layer fences (ESLint)', function () {
  this.timeout(60_000);

  const violations: [string, string, RegExp][] = [
    ['packages/containerd-client/src/x.ts', "import * as vscode from 'vscode';\nvoid vscode;", /client layer: it must not import vscode/],
    ['packages/containerd-client/src/x.ts', "import { a } from '../../../src/views/model/format';\nvoid a;", /must not import an upper layer/],
    ['src/views/tree/x.ts', "import { a } from '../../commands/shared/pickers';\nvoid a;", /Views never import commands/],
    ['src/views/model/x.ts', "import { a } from '../../commands';\nvoid a;", /Views never import commands/],
    ['src/commands/images/x.ts', "import { a } from '../../views/tree/images-provider';\nvoid a;", /Commands never import tree providers/],
    ['src/session/x.ts', "import { a } from '../views/model/explorer-model';\nvoid a;", /session layer sits below views and commands/],
    ['src/session/x.ts', "import { a } from '../commands/shared/command-deps';\nvoid a;", /session layer sits below views and commands/],
    ['src/session/x.ts', "import * as vscode from 'vscode';\nvoid vscode;", /free of vscode/],
    ['src/base/x.ts', "import { a } from '../session/session';\nvoid a;", /bottom layer/],
    ['src/terminals/x.ts', "import { a } from '../views/model/format';\nvoid a;", /Terminals never import views or commands/],
    ['src/views/model/x.ts', "import { a } from '../../../packages/containerd-client/src/run';\nvoid a;", /only through its entry point/],
    ['src/commands/x.ts', "import { a } from '@containerd-explorer/client/dist/index.js';\nvoid a;", /only through its entry point/],
    ['src/commands/images/x.ts', "import * as vscode from 'vscode';\nvoid vscode.window.showInformationMessage('hi');", /only through deps.host\(\)/],
    ['src/commands/shared/x.ts', "import * as vscode from 'vscode';\nvoid vscode.env.clipboard.writeText('hi');", /only through deps.host\(\)/],
    ['src/commands/x.ts', "import { window } from 'vscode';\nvoid window;", /only through deps.host\(\)/],
  ];
  for (const [file, code, expected] of violations) {
    it(`refuses in ${file}: ${code.split('\n')[0]}`, async () => {
      const messages = await fenceMessages(file, code);
      assert.ok(messages.some((m) => expected.test(m)), `expected ${expected} among: ${JSON.stringify(messages)}`);
    });
  }

  const allowed: [string, string][] = [
    ['src/commands/images/x.ts', "import { a } from '../../views/model/describe';\nimport { b } from '../../session/session';\nimport { c } from '@containerd-explorer/client';\nvoid a; void b; void c;"],
    ['src/views/tree/x.ts', "import { a } from '../../session/connection-manager';\nimport { b } from '../../base/emitter';\nvoid a; void b;"],
    ['src/commands/shared/host.ts', "import * as vscode from 'vscode';\nvoid vscode.window.showInformationMessage('hi');"],
    ['src/commands/images/x.ts', "import * as vscode from 'vscode';\nvoid vscode.workspace.getConfiguration('containerd');"],
    ['src/session/x.ts', "import { a } from '../base/lifecycle';\nimport { b } from '@containerd-explorer/client';\nvoid a; void b;"],
  ];
  for (const [file, code] of allowed) {
    it(`allows in ${file}: ${code.split('\n')[0]}`, async () => {
      assert.deepEqual(await fenceMessages(file, code), []);
    });
  }
});
