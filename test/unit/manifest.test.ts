// The marketplace-facing parts of package.json hold together: the icon is a 128x128 PNG that ships, the Get Started
// walkthrough's media exist and ship, its completion events name commands we contribute or context keys the code
// sets, its buttons run contributed commands, the Daemon view sits in the Containerd container, and the Workspace
// Trust / virtual workspace declarations are there (virtual workspaces: no, a local socket is needed).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '../../..');

interface Step { id: string; description: string; media: { markdown?: string; image?: string }; completionEvents: string[] }
interface Manifest {
  icon?: string;
  categories?: string[];
  keywords?: string[];
  capabilities?: { untrustedWorkspaces?: { supported: boolean | string }; virtualWorkspaces?: { supported: boolean } | boolean };
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string; visibility?: string }[]>;
    walkthroughs?: { id: string; steps: Step[] }[];
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const commands = new Set(manifest.contributes.commands.map((c) => c.command));
/** Views get `<id>.focus` commands from VS Code itself. */
const builtIn = (c: string): boolean => /^containerd\.\w+\.focus$/.test(c);

/** What vsce packs: the .vscodeignore allow-list (`!pattern` lines after `**`), matched as globs. */
function shipped(file: string): boolean {
  const rules = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('!'));
  const glob = (g: string): RegExp => new RegExp(`^${g.slice(1).replace(/[.+^${}()|[\]\\]/g, '\\$&').split('**').map((part) => part.replace(/\*/g, '[^/]*')).join('.*')}$`);
  return rules.some((r) => glob(r).test(file));
}

/** The allow-list scripts/check-vsix.mjs enforces on the packed .vsix. */
function allowedByCheck(file: string): boolean {
  const text = fs.readFileSync(path.join(root, 'scripts/check-vsix.mjs'), 'utf8');
  const list = /const allowed = \[(.*)\];/.exec(text)?.[1] ?? '';
  return [...list.matchAll(/\/(\^.*?\$)\//g)].some((m) => new RegExp(m[1]).test(file));
}

describe('package.json for the marketplace', () => {
  it('has a 128x128 PNG icon that ships', () => {
    assert.ok(manifest.icon, 'icon');
    const png = fs.readFileSync(path.join(root, manifest.icon));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'IHDR width and height');
    assert.ok(shipped(manifest.icon) && allowedByCheck(manifest.icon), `${manifest.icon} is packed and allowed`);
    assert.ok(manifest.categories?.length && (manifest.keywords?.length ?? 0) <= 30, 'categories, and at most 30 keywords');
  });

  it('declares Workspace Trust support and no virtual workspaces', () => {
    assert.ok(manifest.capabilities?.untrustedWorkspaces, 'capabilities.untrustedWorkspaces');
    const v = manifest.capabilities?.virtualWorkspaces;
    assert.equal(typeof v === 'object' ? v.supported : v, false);
  });

  it('puts the Daemon view in the Containerd container', () => {
    const view = manifest.contributes.views.containerd.find((v) => v.id === 'containerd.daemon');
    assert.ok(view, 'containerd.daemon view');
  });

  it('has a walkthrough whose steps complete on contributed commands or keys the code sets, with media that ship', () => {
    const [walk] = manifest.contributes.walkthroughs ?? [];
    assert.ok(walk, 'a walkthrough');
    assert.deepEqual(walk.steps.map((s) => s.id), ['connect', 'pull', 'create', 'start', 'shell', 'psaux']);
    const sources = ['src/views/walkthrough.ts', 'src/views/tree/views-controller.ts'].map((f) => fs.readFileSync(path.join(root, f), 'utf8')).join('\n');
    for (const step of walk.steps) {
      assert.ok(step.completionEvents.length, `${step.id}: completion events`);
      for (const e of step.completionEvents) {
        const cmd = /^onCommand:(.+)$/.exec(e);
        const key = /^onContext:([\w.]+)/.exec(e);
        if (cmd) assert.ok(commands.has(cmd[1]), `${step.id}: ${cmd[1]} is a contributed command`);
        else if (key) assert.ok(sources.includes(`'${key[1]}'`), `${step.id}: the code sets context key ${key[1]}`);
        else assert.fail(`${step.id}: unexpected completion event ${e}`);
      }
      for (const m of step.description.matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(commands.has(m[1]) || builtIn(m[1]), `${step.id}: button runs ${m[1]}, which exists`);
      }
      const media = step.media.markdown ?? step.media.image ?? '';
      assert.ok(fs.existsSync(path.join(root, media)), `${step.id}: ${media} exists`);
      assert.ok(shipped(media) && allowedByCheck(media), `${step.id}: ${media} is packed and allowed by check-vsix`);
    }
  });
});
