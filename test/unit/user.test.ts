// USER resolution as containerd 1.6's WithUser / WithAdditionalGIDs do it (values checked
// against ctr for "app", "1000:audio", "4242" and the default root: see ctr-spec-*.json).
import * as assert from 'assert';
import {
  additionalGids, GroupNotFoundError, InvalidUserError, parseGroup, parsePasswd, resolveImageUser, resolveUser,
  UserNotFoundError,
} from '../../packages/containerd-client/src/oci/user';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
  'app:x:1000:1000:app:/home/app:/bin/sh',
  'svc:x:500:100::/srv:/bin/false',
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false',
].join('\n') + '\n';

const GROUP = [
  'root:x:0:',
  'daemon:x:1:',
  'bin:x:2:root,daemon',
  'wheel:x:10:root,app',
  'audio:x:29:app',
  'users:x:100:',
  'svc:x:501:svc',
  'app:x:1000:app',
  'nogroup:x:65534:',
].join('\n') + '\n';

describe('resolveUser (oci.WithUser)', () => {
  const cases: [string, number, number][] = [
    ['app', 1000, 1000], // name: passwd uid and primary gid
    ['1000', 1000, 1000], // uid: passwd primary gid
    ['4242', 4242, 0], // uid not in passwd: gid 0, no error
    ['+1000', 1000, 1000], // Go's Atoi takes a sign
    ['app:audio', 1000, 29], // name:group
    ['app:29', 1000, 29], // name:gid: given gid, not passwd's
    ['app:4242', 1000, 4242], // name:gid: gid need not exist
    ['1000:audio', 1000, 29], // uid:group
    ['4242:audio', 4242, 29], // uid:group: uid need not exist
    ['0:29', 0, 29], // uid:gid: no lookup at all
    ['daemon', 1, 1],
  ];
  for (const [user, uid, gid] of cases) {
    it(`${user} -> ${uid}:${gid}`, () => {
      assert.deepStrictEqual(resolveUser(user, PASSWD, GROUP), { uid, gid, additionalGids: [gid] });
    });
  }

  it('numeric forms need no /etc/passwd or /etc/group', () => {
    assert.deepStrictEqual(resolveUser('4242'), { uid: 4242, gid: 0, additionalGids: [0] });
    assert.deepStrictEqual(resolveUser('12:34'), { uid: 12, gid: 34, additionalGids: [34] });
  });

  it('unknown name: UserNotFoundError naming the user and the file', () => {
    assert.throws(() => resolveUser('ghost', PASSWD, GROUP), (e: unknown) => {
      assert.ok(e instanceof UserNotFoundError && e instanceof Error);
      assert.strictEqual(e.message, "user ghost not found in the image's /etc/passwd");
      assert.strictEqual(e.user, 'ghost');
      assert.strictEqual(e.name, 'UserNotFoundError');
      return true;
    });
  });

  it('a name and no /etc/passwd in the image', () => {
    assert.throws(() => resolveUser('app'), (e: unknown) =>
      e instanceof UserNotFoundError && e.passwdMissing && e.message === 'user app not found: the image has no /etc/passwd');
  });

  it('unknown name in name:gid and name:group', () => {
    assert.throws(() => resolveUser('ghost:0', PASSWD, GROUP), UserNotFoundError);
    assert.throws(() => resolveUser('ghost:audio', PASSWD, GROUP), UserNotFoundError);
  });

  it('ids out of containerd\'s range are names (so: not found)', () => {
    assert.throws(() => resolveUser('-1', PASSWD, GROUP), /user -1 not found/);
    assert.throws(() => resolveUser('2147483648', PASSWD, GROUP), /user 2147483648 not found/);
  });

  it('unknown group: GroupNotFoundError', () => {
    assert.throws(() => resolveUser('app:video', PASSWD, GROUP), (e: unknown) =>
      e instanceof GroupNotFoundError && e.message === "group video not found in the image's /etc/group");
    assert.throws(() => resolveUser('1000:video', PASSWD), (e: unknown) =>
      e instanceof GroupNotFoundError && e.groupFileMissing && /no \/etc\/group/.test(e.message));
  });

  it('more than one colon: InvalidUserError', () => {
    assert.throws(() => resolveUser('a:b:c', PASSWD, GROUP), (e: unknown) =>
      e instanceof InvalidUserError && /invalid USER value a:b:c/.test(e.message));
  });
});

describe('additionalGids (oci.WithAdditionalGIDs)', () => {
  it('member groups in /etc/group order, primary gid first', () => {
    assert.deepStrictEqual(additionalGids('1000', 1000, PASSWD, GROUP), [1000, 10, 29]);
    assert.deepStrictEqual(additionalGids('root', 0, PASSWD, GROUP), [0, 2, 10]);
  });

  it('primary gid not repeated when it is a member group', () => {
    assert.deepStrictEqual(additionalGids('1000', 29, PASSWD, GROUP), [10, 29]);
  });

  it('skips the group named after the user', () => {
    assert.deepStrictEqual(additionalGids('svc', 100, PASSWD, GROUP), [100]);
  });

  it('uid missing from passwd, or no passwd / group file: primary gid only', () => {
    assert.deepStrictEqual(additionalGids('4242', 0, PASSWD, GROUP), [0]);
    assert.deepStrictEqual(additionalGids('1000', 1000, undefined, GROUP), [1000]);
    assert.deepStrictEqual(additionalGids('1000', 1000, PASSWD, undefined), [1000]);
  });
});

describe('resolveImageUser (the user part of oci.WithImageConfig)', () => {
  it('no USER: root with root\'s member groups', () => {
    assert.deepStrictEqual(resolveImageUser(undefined, PASSWD, GROUP), { uid: 0, gid: 0, additionalGids: [0, 2, 10] });
    assert.deepStrictEqual(resolveImageUser('', PASSWD, GROUP), { uid: 0, gid: 0, additionalGids: [0, 2, 10] });
    assert.deepStrictEqual(resolveImageUser(undefined), { uid: 0, gid: 0, additionalGids: [0] });
  });

  it('every form, with memberships looked up by the resolved uid', () => {
    assert.deepStrictEqual(resolveImageUser('app', PASSWD, GROUP), { uid: 1000, gid: 1000, additionalGids: [1000, 10, 29] });
    assert.deepStrictEqual(resolveImageUser('1000:audio', PASSWD, GROUP), { uid: 1000, gid: 29, additionalGids: [10, 29] });
    assert.deepStrictEqual(resolveImageUser('4242', PASSWD, GROUP), { uid: 4242, gid: 0, additionalGids: [0] });
    assert.deepStrictEqual(resolveImageUser('0:1', PASSWD, GROUP), { uid: 0, gid: 1, additionalGids: [1, 2, 10] });
    assert.deepStrictEqual(resolveImageUser('daemon', PASSWD, GROUP), { uid: 1, gid: 1, additionalGids: [1, 2] });
  });

  it('errors pass through', () => {
    assert.throws(() => resolveImageUser('ghost', PASSWD, GROUP), UserNotFoundError);
  });
});

describe('parsePasswd / parseGroup', () => {
  it('tolerates CRLF, blank lines, comments, short lines and bad numbers', () => {
    const users = parsePasswd('# comment\r\n\r\n  root:x:0:0:root:/root:/bin/sh  \r\nshort:x:7\nbad:x:abc:def:::\n');
    assert.deepStrictEqual(users.map((u) => [u.name, u.uid, u.gid, u.shell]), [
      ['root', 0, 0, '/bin/sh'], ['short', 7, 0, ''], ['bad', 0, 0, ''],
    ]);
  });

  it('splits member lists; an empty list is empty', () => {
    const groups = parseGroup('wheel:x:10:root,app\nusers:x:100:\n#x:y:1:z\n');
    assert.deepStrictEqual(groups, [
      { name: 'wheel', password: 'x', gid: 10, members: ['root', 'app'] },
      { name: 'users', password: 'x', gid: 100, members: [] },
    ]);
  });
});
