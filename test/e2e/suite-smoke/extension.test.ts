// The extension is installed in a real VS Code and activates without errors.
import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'containerd-explorer.containerd-explorer';

describe('smoke: extension in a real VS Code', () => {
  it('is present under its id', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed; extensions: ${vscode.extensions.all.map((e) => e.id).join(', ')}`);
    assert.strictEqual(ext.packageJSON.main, './dist/extension.js');
  });

  it('activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    assert.strictEqual(ext.isActive, true);
  });

  it('runs in the workspace extension host (the remote side of a Remote-SSH window)', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.strictEqual(ext?.extensionKind, vscode.ExtensionKind.Workspace);
  });

  it("receives the runner's environment", () => {
    // How suites hand a private daemon to the extension (CONTAINERD_ADDRESS and the like).
    assert.strictEqual(process.env.E2E_SUITE, 'suite-smoke');
  });
});
