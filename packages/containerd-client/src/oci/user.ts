// Resolving an image's USER the way containerd 1.6's oci.WithUser / WithAdditionalGIDs do,
// reading /etc/passwd and /etc/group contents that the caller got from the image's rootfs.
// `undefined` passwd/group content stands for "the file does not exist in the image".
import { User } from './runtime-spec-types';

export interface PasswdEntry {
  name: string;
  password: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  password: string;
  gid: number;
  members: string[];
}

/** The USER names an account that the image's /etc/passwd does not have (or it has no /etc/passwd). */
export class UserNotFoundError extends Error {
  override readonly name = 'UserNotFoundError';
  constructor(readonly user: string, readonly passwdMissing: boolean) {
    super(passwdMissing
      ? `user ${user} not found: the image has no /etc/passwd`
      : `user ${user} not found in the image's /etc/passwd`);
  }
}

/** A `user:group` USER names a group that the image's /etc/group does not have. */
export class GroupNotFoundError extends Error {
  override readonly name = 'GroupNotFoundError';
  constructor(readonly group: string, readonly groupFileMissing: boolean) {
    super(groupFileMissing
      ? `group ${group} not found: the image has no /etc/group`
      : `group ${group} not found in the image's /etc/group`);
  }
}

/** More than one ':' in a USER value (containerd: "invalid USER value"). */
export class InvalidUserError extends Error {
  override readonly name = 'InvalidUserError';
  constructor(readonly user: string) {
    super(`invalid USER value ${user}: expected user, uid, user:group, uid:gid, uid:group or user:gid`);
  }
}

const MAX_ID = 2147483647; // runc requires ids <= MaxInt32; containerd follows it.

/** Go's strconv.Atoi: optional sign, decimal digits; undefined where Atoi would fail. */
function atoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = Number(s);
  return Number.isSafeInteger(v) ? v : undefined;
}

/** A USER part that containerd reads as a numeric id (an int in [0, MaxInt32]), else undefined. */
function numericId(s: string): number | undefined {
  const v = atoi(s);
  return v !== undefined && v >= 0 && v <= MAX_ID ? v : undefined;
}

/** Trimmed, non-empty, non-comment lines split on ':' (libcontainer/user's parser). */
function records(content: string): string[][] {
  return content.split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'));
}

/** Like libcontainer/user: missing fields stay empty, unparsable numbers read as 0. */
export function parsePasswd(content: string): PasswdEntry[] {
  return records(content).map((f) => ({
    name: f[0] ?? '',
    password: f[1] ?? '',
    uid: atoi(f[2] ?? '') ?? 0,
    gid: atoi(f[3] ?? '') ?? 0,
    gecos: f[4] ?? '',
    home: f[5] ?? '',
    shell: f[6] ?? '',
  }));
}

export function parseGroup(content: string): GroupEntry[] {
  return records(content).map((f) => ({
    name: f[0] ?? '',
    password: f[1] ?? '',
    gid: atoi(f[2] ?? '') ?? 0,
    members: f[3] ? f[3].split(',') : [],
  }));
}

function lookupName(username: string, passwd: string | undefined): PasswdEntry {
  if (passwd === undefined) throw new UserNotFoundError(username, true);
  const u = parsePasswd(passwd).find((e) => e.name === username);
  if (!u) throw new UserNotFoundError(username, false);
  return u;
}

function lookupGroup(groupname: string, group: string | undefined): number {
  if (group === undefined) throw new GroupNotFoundError(groupname, true);
  const g = parseGroup(group).find((e) => e.name === groupname);
  if (!g) throw new GroupNotFoundError(groupname, false);
  return g.gid;
}

/** containerd's ensureAdditionalGids: the primary gid always leads the list unless already in it. */
function withPrimaryGid(gid: number, gids: number[]): number[] {
  return gids.includes(gid) ? gids : [gid, ...gids];
}

/**
 * oci.WithUser: `name`, `uid`, `name:group`, `uid:gid`, `uid:group`, `name:gid`.
 * A bare uid missing from /etc/passwd (or no /etc/passwd) gives gid 0, as in containerd;
 * a name that cannot be found is an error. additionalGids is just the primary gid, as
 * WithUser leaves it (WithImageConfig then runs WithAdditionalGIDs: see resolveImageUser).
 */
export function resolveUser(userstr: string, passwd?: string, group?: string): User {
  const parts = userstr.split(':');
  let uid: number;
  let gid: number;
  if (parts.length === 1) {
    const id = numericId(userstr);
    if (id === undefined) {
      const u = lookupName(userstr, passwd);
      [uid, gid] = [u.uid, u.gid];
    } else {
      const u = passwd === undefined ? undefined : parsePasswd(passwd).find((e) => e.uid === id);
      [uid, gid] = u ? [u.uid, u.gid] : [id, 0];
    }
  } else if (parts.length === 2) {
    const numUid = numericId(parts[0]);
    const numGid = numericId(parts[1]);
    // name:gid keeps the given gid, name:group takes the group's: never the passwd primary gid.
    uid = numUid ?? lookupName(parts[0], passwd).uid;
    gid = numGid ?? lookupGroup(parts[1], group);
  } else {
    throw new InvalidUserError(userstr);
  }
  return { uid, gid, additionalGids: [gid] };
}

/**
 * oci.WithAdditionalGIDs: the gids of every /etc/group entry listing the user as a member
 * (except a group named after the user), led by the primary gid. `userstr` is a uid
 * (looked up in /etc/passwd for the name; unknown uid: no extra groups) or a user name.
 */
export function additionalGids(userstr: string, primaryGid: number, passwd?: string, group?: string): number[] {
  let username = userstr;
  const uid = atoi(userstr);
  if (uid !== undefined) {
    const u = passwd === undefined ? undefined : parsePasswd(passwd).find((e) => e.uid === uid);
    if (!u) return [primaryGid];
    username = u.name;
  }
  if (group === undefined) return [primaryGid];
  const gids = parseGroup(group)
    .filter((g) => g.name !== username && g.members.includes(username))
    .map((g) => g.gid);
  return withPrimaryGid(primaryGid, gids);
}

/**
 * The user part of oci.WithImageConfig: WithUser(USER) then WithAdditionalGIDs(uid) when the
 * image (or an override) names a user, else WithAdditionalGIDs("root") on uid/gid 0.
 */
export function resolveImageUser(userstr: string | undefined, passwd?: string, group?: string): User {
  if (!userstr) return { uid: 0, gid: 0, additionalGids: additionalGids('root', 0, passwd, group) };
  const u = resolveUser(userstr, passwd, group);
  return { uid: u.uid, gid: u.gid, additionalGids: additionalGids(String(u.uid), u.gid, passwd, group) };
}
