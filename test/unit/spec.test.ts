// buildContainerSpec against specs that containerd 1.6's own client (ctr) stored: the fixtures
// hold ctr's inputs (image config, /etc/passwd, /etc/group, flags) and its output spec.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { defaultSpec, withDefaultUnixDevices } from '../../packages/containerd-client/src/oci/spec-defaults';
import {
  buildContainerSpec, buildProcessSpec, ContainerSpecOptions, mergeEnv, NoCommandError,
} from '../../packages/containerd-client/src/oci/spec';
import { ImageConfig } from '../../packages/containerd-client/src/oci/image-types';
import { Spec } from '../../packages/containerd-client/src/oci/runtime-spec-types';
import { UserNotFoundError } from '../../packages/containerd-client/src/oci/user';

interface CtrFixture {
  ctr: string;
  namespace: string;
  id: string;
  /** image-types' ImageConfig: also checks that it fits buildContainerSpec's input type. */
  imageConfig: ImageConfig;
  passwd: string;
  group: string;
  spec: Spec;
}

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');

function load(name: string): CtrFixture {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `ctr-spec-${name}.json`), 'utf8')) as CtrFixture;
}

function baseOptions(f: CtrFixture): ContainerSpecOptions {
  return {
    namespace: f.namespace, id: f.id, imageConfig: f.imageConfig, passwd: f.passwd, group: f.group,
    tty: false, hostNetwork: false,
  };
}

/** Field by field first, so a failure names the field; then the whole spec and its JSON key order. */
function assertSameSpec(actual: Spec, expected: Spec): void {
  assert.deepStrictEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), 'top-level fields');
  assert.strictEqual(actual.ociVersion, expected.ociVersion);
  assert.deepStrictEqual(actual.root, expected.root);
  const [ap, ep] = [actual.process, expected.process];
  assert.ok(ap && ep);
  for (const k of new Set([...Object.keys(ap), ...Object.keys(ep)]) as Set<keyof typeof ap>) {
    assert.deepStrictEqual(ap[k], ep[k], `process.${k}`);
  }
  assert.deepStrictEqual(actual.mounts, expected.mounts, 'mounts');
  assert.deepStrictEqual(actual.annotations, expected.annotations, 'annotations');
  const [al, el] = [actual.linux, expected.linux];
  assert.ok(al && el);
  for (const k of new Set([...Object.keys(al), ...Object.keys(el)]) as Set<keyof typeof al>) {
    assert.deepStrictEqual(al[k], el[k], `linux.${k}`);
  }
  assert.deepStrictEqual(actual, expected);
  assert.strictEqual(JSON.stringify(actual), JSON.stringify(expected), 'same JSON, key order included');
}

describe('buildContainerSpec vs ctr 1.6', () => {
  it('default: `ctr containers create IMAGE ID`', () => {
    const f = load('default');
    assertSameSpec(buildContainerSpec(baseOptions(f)), f.spec);
  });

  it('host network: `--net-host` (hosts/resolv.conf binds, HOSTNAME, no network namespace)', () => {
    const f = load('hostnet');
    // The fixture was dumped on a host named "vm": ctr put that into HOSTNAME.
    const spec = buildContainerSpec({ ...baseOptions(f), hostNetwork: true, hostFiles: { hostname: 'vm' } });
    assertSameSpec(spec, f.spec);
  });

  it('named user: image User "app" (uid, gid and /etc/group memberships)', () => {
    const f = load('user');
    assertSameSpec(buildContainerSpec(baseOptions(f)), f.spec);
  });

  it('uid:group user: image User "1000:audio"', () => {
    const f = load('uidgroup');
    assertSameSpec(buildContainerSpec(baseOptions(f)), f.spec);
  });

  it('uid missing from /etc/passwd: image User "4242" runs as 4242:0', () => {
    const f = load('unknownuid');
    assertSameSpec(buildContainerSpec(baseOptions(f)), f.spec);
  });

  it('tty, env, cwd, label, bind mount and args override', () => {
    const f = load('tty');
    const spec = buildContainerSpec({
      ...baseOptions(f),
      tty: true,
      env: ['GREETING=bye', 'EXTRA=1'],
      cwd: '/tmp',
      labels: { 'com.example.a': 'b' },
      mounts: [{ source: '/tmp/specwork', destination: '/data', readonly: true }],
      args: ['/bin/sh', '-c', 'echo custom'],
    });
    assertSameSpec(spec, f.spec);
  });

  it('a user override replaces the image User', () => {
    const f = load('default');
    const spec = buildContainerSpec({ ...baseOptions(f), user: 'app' });
    assert.deepStrictEqual(spec.process?.user, load('user').spec.process?.user);
  });

  it('fails clearly on an unknown user name and on no command at all', () => {
    const f = load('default');
    assert.throws(() => buildContainerSpec({ ...baseOptions(f), user: 'ghost' }),
      (e: unknown) => e instanceof UserNotFoundError && /user ghost not found in the image's \/etc\/passwd/.test(e.message));
    assert.throws(() => buildContainerSpec({ ...baseOptions(f), imageConfig: { config: { Entrypoint: null, Cmd: null } } }),
      NoCommandError);
  });

  it('image without Env gets the default PATH; empty WorkingDir means /', () => {
    const spec = buildContainerSpec({
      namespace: 'ns', id: 'c1', imageConfig: { config: { Cmd: ['sh'], WorkingDir: '' } }, tty: false, hostNetwork: false,
    });
    assert.deepStrictEqual(spec.process?.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
    assert.strictEqual(spec.process?.cwd, '/');
    assert.deepStrictEqual(spec.process?.user, { uid: 0, gid: 0, additionalGids: [0] });
    assert.strictEqual(spec.linux?.cgroupsPath, '/ns/c1');
  });

  it('rw bind mounts, own-network host files and hostname', () => {
    const spec = buildContainerSpec({
      namespace: 'ns', id: 'c1', imageConfig: { config: { Cmd: ['sh'] } }, tty: false, hostNetwork: false,
      mounts: [{ source: '/src', destination: '/work', readonly: false }],
      hostFiles: { resolvConf: '/tmp/resolv.conf', hostname: 'box' },
    });
    assert.deepStrictEqual(spec.mounts?.slice(7), [
      { destination: '/work', type: 'bind', source: '/src', options: ['rbind', 'rw'] },
      { destination: '/etc/resolv.conf', type: 'bind', source: '/tmp/resolv.conf', options: ['rbind', 'ro'] },
    ]);
    assert.strictEqual(spec.hostname, 'box');
    assert.ok(spec.linux?.namespaces?.some((n) => n.type === 'network'));
  });
});

describe('defaultSpec', () => {
  it('plus default devices equals ctr\'s spec before image config', () => {
    const f = load('default');
    const spec = withDefaultUnixDevices(defaultSpec(f.namespace, f.id));
    assert.deepStrictEqual(spec.linux, f.spec.linux);
    assert.deepStrictEqual(spec.mounts, f.spec.mounts);
    assert.deepStrictEqual(spec.process?.capabilities, f.spec.process?.capabilities);
    assert.deepStrictEqual(spec.process?.rlimits, f.spec.process?.rlimits);
    assert.strictEqual(spec.process?.env, undefined);
  });

  it('returns fresh arrays on every call', () => {
    const a = defaultSpec('a', 'b');
    a.process?.capabilities?.bounding?.push('CAP_SYS_ADMIN');
    assert.strictEqual(defaultSpec('a', 'b').process?.capabilities?.bounding?.length, 14);
  });
});

describe('mergeEnv (replaceOrAppendEnvValues)', () => {
  it('replaces by key, appends new keys, removes bare keys', () => {
    assert.deepStrictEqual(mergeEnv(['A=1', 'B=2', 'C=3'], ['B=x', 'D=4', 'A', 'E']), ['B=x', 'C=3', 'D=4']);
  });
  it('keeps values containing "="', () => {
    assert.deepStrictEqual(mergeEnv(['OPTS=a=b'], ['OPTS=c=d']), ['OPTS=c=d']);
  });
});

describe('buildProcessSpec (ctr tasks exec)', () => {
  const f = load('tty');
  const f2 = load('default');

  it('keeps the container process and replaces args and terminal', () => {
    const p = buildProcessSpec(f2.spec.process, { args: ['ls', '-l'], tty: true });
    assert.deepStrictEqual(p, { ...f2.spec.process, terminal: true, args: ['ls', '-l'] });
    assert.strictEqual(Object.keys(p)[0], 'terminal');
  });

  it('drops terminal when the exec has no tty, even if the container had one', () => {
    const p = buildProcessSpec(f.spec.process, { args: ['true'], tty: false });
    assert.strictEqual(p.terminal, undefined);
    assert.ok(p.env?.includes('TERM=xterm'));
  });

  it('applies cwd, env and user (WithUser: primary gid only)', () => {
    const p = buildProcessSpec(f2.spec.process, {
      args: ['id'], tty: false, cwd: '/home/app', env: ['GREETING=yo', 'NEW=1'], user: 'app', passwd: f2.passwd, group: f2.group,
    });
    assert.strictEqual(p.cwd, '/home/app');
    assert.deepStrictEqual(p.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'APP_MODE=prod', 'GREETING=yo', 'NEW=1']);
    assert.deepStrictEqual(p.user, { uid: 1000, gid: 1000, additionalGids: [1000] });
    assert.deepStrictEqual(f2.spec.process?.user.uid, 0, 'base untouched');
  });

  it('refuses an empty command', () => {
    assert.throws(() => buildProcessSpec(f2.spec.process, { args: [], tty: false }), NoCommandError);
  });
});
