// Which of our pull leases the sweep may take: by gc.expire, by the owner process (this one: only when no pull
// of ours holds it; another: when it has exited), and by age for an older version's lease without an owner.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { LEASE_OWNER_LABEL, PULL_LEASE_MAX_AGE_MS, PULL_LEASE_PREFIX, holdLease, leaseOwnerLabels, staleReason } from '../../packages/containerd-client/src/pull/pull-leases';
import { GC_EXPIRE_LABEL } from '../../packages/containerd-client/src/services/leases';
import type { Lease } from '../../packages/containerd-client/src/types';

const HOUR = 3600_000;
const now = new Date('2030-01-01T12:00:00Z');
const lease = (id: string, labels: Record<string, string> = {}, ageMs = HOUR): Lease => ({ id, labels, createdAt: new Date(now.getTime() - ageMs) });
const mine = (): string => leaseOwnerLabels()[LEASE_OWNER_LABEL] ?? assert.fail('no owner label on Linux');
/** The owner label of another process: same boot and PID namespace, its pid and start time. */
const ownerOf = (pid: number): string => {
  const [boot, pidns] = mine().split('/');
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return `${boot}/${pidns}/${pid}/${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}`;
};

describe('pull leases: stale or still in use', () => {
  it('labels the owner as boot id / pid namespace / pid / start time', () => {
    assert.match(mine(), new RegExp(`^[0-9a-f-]{36}/\\d+/${process.pid}/\\d+$`));
  });

  it('leaves leases that are not our pulls\' alone, even expired ones', () => {
    assert.equal(staleReason(lease('containerd-explorer-import-1', { [GC_EXPIRE_LABEL]: '2000-01-01T00:00:00Z' }), now), undefined);
    assert.equal(staleReason(lease('k8s-lease', {}, 48 * HOUR), now), undefined);
  });

  it('this process\'s lease: in use while a pull holds it, stale once released', () => {
    const l = lease(`${PULL_LEASE_PREFIX}held`, { [LEASE_OWNER_LABEL]: mine() });
    const release = holdLease(l.id);
    assert.equal(staleReason(l, now), undefined);
    release();
    assert.equal(staleReason(l, now), 'its pull in this window was interrupted');
  });

  it('another process\'s lease: in use while it runs, stale once it exited (a reused pid does not fool it)', async () => {
    const child = spawn('sleep', ['60']);
    const pid = child.pid ?? assert.fail('no pid');
    try {
      const l = lease(`${PULL_LEASE_PREFIX}other`, { [LEASE_OWNER_LABEL]: ownerOf(pid) });
      assert.equal(staleReason(l, now), undefined);
      const [boot, pidns, , start] = l.labels[LEASE_OWNER_LABEL].split('/');
      const reused = lease(l.id, { [LEASE_OWNER_LABEL]: `${boot}/${pidns}/${pid}/${Number(start) - 1}` });
      assert.equal(staleReason(reused, now), `the process that pulled (pid ${pid}) has exited`);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      assert.equal(staleReason(l, now), `the process that pulled (pid ${pid}) has exited`);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('an owner on another boot, machine or PID namespace cannot be checked: only gc.expire ends it', () => {
    const [, pidns, , ] = mine().split('/');
    const other = `00000000-0000-0000-0000-000000000000/${pidns}/1/1`;
    assert.equal(staleReason(lease(`${PULL_LEASE_PREFIX}remote`, { [LEASE_OWNER_LABEL]: other }, 48 * HOUR), now), undefined);
    const expired = { [LEASE_OWNER_LABEL]: other, [GC_EXPIRE_LABEL]: '2030-01-01T11:59:59Z' };
    assert.equal(staleReason(lease(`${PULL_LEASE_PREFIX}remote`, expired), now), 'it expired at 2030-01-01T11:59:59.000Z');
  });

  it('an older version\'s lease (no owner label): stale once older than the longest pull', () => {
    assert.equal(staleReason(lease(`${PULL_LEASE_PREFIX}old`, {}, PULL_LEASE_MAX_AGE_MS - HOUR), now), undefined);
    assert.equal(staleReason(lease(`${PULL_LEASE_PREFIX}old`, {}, PULL_LEASE_MAX_AGE_MS + HOUR), now), 'it is older than the longest a pull may take');
    // A label that is not ours to parse counts as none.
    assert.equal(staleReason(lease(`${PULL_LEASE_PREFIX}odd`, { [LEASE_OWNER_LABEL]: '../1/x' }, PULL_LEASE_MAX_AGE_MS + HOUR), now), 'it is older than the longest a pull may take');
  });
});
