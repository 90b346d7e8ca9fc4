// Every setting in package.json is classified here. A workspace (a cloned repository's .vscode/settings.json) may
// be hostile: a setting that changes where we connect, what we trust or how we stop things must be `machine`
// (user settings only); the few that may be set per workspace are listed with the reason. A new setting fails
// this test until it is classified.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface SettingSchema { scope?: string }
interface Manifest { contributes: { configuration: { properties: Record<string, SettingSchema> } | Array<{ properties: Record<string, SettingSchema> }> } }

/** Settings a workspace must not set: they decide where we connect, what we trust, or how we stop things. */
const MACHINE: Record<string, string> = {
  'containerd.address': 'where we connect: a workspace could point us at a socket of its choosing',
  'containerd.runcRoot': 'where runc keeps container state: a workspace could redirect it',
  'containerd.insecureRegistries': 'what we trust: a workspace could turn TLS off for a registry',
  'containerd.stopTimeoutSeconds': 'how we stop things: a workspace could make Stop SIGKILL at once',
  'containerd.pullMethod': 'where registry credentials go: a workspace could hand them to the daemon (Transfer) or keep them from it',
  'containerd.configPath': 'what Check Setup reads and tells you to edit: a workspace could point it at a file of its choosing',
  'containerd.cni.confDir': 'which CNI configs run as root on Create Container: a workspace could hand the plugins a config of its choosing',
  'containerd.cni.binDirs': 'which plugin binaries run as root: a workspace could point them at its own executables',
  'containerd.cni.stateDir': 'where network namespaces are mounted and state is removed as root: a workspace could redirect it',
};

/** Settings a workspace may override, and why that is harmless. */
const WORKSPACE_MAY_SET: Record<string, string> = {
  'containerd.namespace': 'only which namespace the views open first; the views show it and every action names its namespace',
  'containerd.pullConcurrency': 'only how many layers download at once, bounded to 1..16 by the schema and the reader',
};

const SCOPES_A_WORKSPACE_CAN_SET = new Set(['machine-overridable', 'window', 'resource', 'language-overridable']);

function settings(): Record<string, SettingSchema> {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as Manifest;
  const config = manifest.contributes.configuration;
  return Object.assign({}, ...(Array.isArray(config) ? config : [config]).map((c) => c.properties)) as Record<string, SettingSchema>;
}

describe('settings scopes (package.json)', () => {
  it('classifies every setting, and each only once', () => {
    const unclassified = Object.keys(settings()).filter((k) => !(k in MACHINE) && !(k in WORKSPACE_MAY_SET));
    assert.deepEqual(unclassified, [], 'classify new settings in test/unit/settings-scopes.test.ts: machine-scoped, or why a workspace may set them');
    assert.deepEqual(Object.keys(MACHINE).filter((k) => k in WORKSPACE_MAY_SET), []);
    const gone = [...Object.keys(MACHINE), ...Object.keys(WORKSPACE_MAY_SET)].filter((k) => !(k in settings()));
    assert.deepEqual(gone, [], 'settings listed here that package.json no longer has');
  });

  it('makes every setting about connecting, trust or stopping machine-scoped', () => {
    const wrong = Object.entries(settings()).filter(([k, s]) => k in MACHINE && s.scope !== 'machine').map(([k, s]) => `${k}: ${s.scope ?? '(window, the default)'}`);
    assert.deepEqual(wrong, []);
  });

  it('gives the others an explicit scope a workspace can set (so the choice is visible in package.json)', () => {
    const wrong = Object.entries(settings()).filter(([k, s]) => k in WORKSPACE_MAY_SET && !SCOPES_A_WORKSPACE_CAN_SET.has(s.scope ?? '')).map(([k, s]) => `${k}: ${s.scope ?? '(none)'}`);
    assert.deepEqual(wrong, []);
  });
});
