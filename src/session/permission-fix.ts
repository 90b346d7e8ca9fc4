// The concrete fix for "permission denied on containerd's socket", worked out from the socket's owner, group and
// mode and from who we run as: the exact commands to type rather than a generic hint. Free of `vscode`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** One thing to do; `command` is a shell command to run on the host (the views copy it on click). */
export interface FixStep { text: string; command?: string }

export interface PermissionFix {
  /** What is wrong, in full. */
  summary: string;
  /** The same in a few words, for a tree row. */
  short: string;
  steps: FixStep[];
}

interface Who { user: string; uid: number; groups: number[] }

function whoAmI(): Who {
  let user = String(process.getuid?.() ?? '?');
  try { user = os.userInfo().username; } catch { /* no passwd entry: keep the uid */ }
  return { user, uid: process.getuid?.() ?? -1, groups: process.getgroups?.() ?? [] };
}

function groupTable(): Map<number, { name: string; members: string[] }> {
  const out = new Map<number, { name: string; members: string[] }>();
  try {
    for (const line of fs.readFileSync('/etc/group', 'utf8').split('\n')) {
      const [name, , gid, members] = line.split(':');
      if (name && gid !== undefined && /^\d+$/.test(gid)) out.set(Number(gid), { name, members: (members ?? '').split(',').filter(Boolean) });
    }
  } catch { /* unreadable: names stay unknown */ }
  return out;
}

/** The first directory on the way to the socket that we may not enter. */
function blockedDir(socketPath: string): string | undefined {
  let dir = path.dirname(socketPath);
  const chain: string[] = [];
  while (dir !== path.dirname(dir)) { chain.unshift(dir); dir = path.dirname(dir); }
  for (const d of chain) {
    try { fs.accessSync(d, fs.constants.X_OK); } catch { return d; }
  }
  return undefined;
}

const RECONNECT: FixStep = { text: 'Start a new session so the new group applies (log out and in; in a Remote-SSH window run "Remote-SSH: Kill VS Code Server on Host…" and reconnect), then press Retry.' };

export function permissionFix(socketPath: string): PermissionFix {
  const me = whoAmI();
  const blocked = blockedDir(socketPath);
  if (blocked) {
    const st = safeStat(blocked);
    return {
      summary: `You (${me.user}, uid ${me.uid}) cannot enter ${blocked}${st ? ` (owner uid ${st.uid}, mode 0${(st.mode & 0o777).toString(8)})` : ''}, which leads to containerd's socket.`,
      short: `${me.user} (uid ${me.uid}) cannot enter ${blocked}`,
      steps: [
        { text: 'let others traverse the directory', command: `sudo chmod o+x ${blocked}` },
        { text: 'Or move containerd\'s socket ([grpc] address in /etc/containerd/config.toml) somewhere you can reach, then press Retry.' },
      ],
    };
  }
  const st = safeStat(socketPath);
  const groups = groupTable();
  const mode = st ? `0${(st.mode & 0o777).toString(8)}` : 'unknown';
  const groupName = st ? groups.get(st.gid)?.name ?? String(st.gid) : '?';
  const owner = st ? `owner uid ${st.uid}, group ${groupName} (gid ${st.gid}), mode ${mode}` : 'owner unknown';
  const summary = `You (${me.user}, uid ${me.uid}) may not open containerd's socket ${socketPath} (${owner}).`;
  const short = `${me.user} (uid ${me.uid}) is not in the socket's group ${groupName} (mode ${mode})`;
  const groupWritable = st ? (st.mode & 0o020) !== 0 : false;
  if (st && st.gid !== 0 && groupWritable) {
    const g = groups.get(st.gid);
    if (g?.members.includes(me.user) && !me.groups.includes(st.gid)) {
      return { summary, short: `${me.user} joined group ${groupName} after this VS Code server started`, steps: [RECONNECT] };
    }
    return { summary, short, steps: [{ text: 'join the socket\'s group', command: `sudo usermod -aG ${groupName} ${me.user}` }, RECONNECT] };
  }
  // The socket belongs to root's group (containerd's default): give it a group of its own.
  return {
    summary, short,
    steps: [
      { text: 'create a group for the socket', command: 'sudo groupadd -f containerd' },
      { text: 'join it', command: `sudo usermod -aG containerd ${me.user}` },
      { text: 'prints the group\'s gid (third field)', command: 'getent group containerd' },
      { text: 'Set gid = <that gid> under [grpc] in /etc/containerd/config.toml' },
      { text: 'apply the new socket group', command: 'sudo systemctl restart containerd' },
      RECONNECT,
      { text: 'Alternatively run VS Code\'s server as root, or set containerd.address to a socket you may use (e.g. rootless containerd).' },
    ],
  };
}

function safeStat(p: string): fs.Stats | undefined {
  try { return fs.statSync(p); } catch { return undefined; }
}
