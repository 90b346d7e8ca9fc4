// CPU profile of one piece of work inside the extension host (node:inspector), for finding out why a target was
// missed: the .cpuprofile opens in VS Code or Chrome DevTools; the top self-time functions are returned too.
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

function post<T>(session: inspector.Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
}

/** Self time per function (ms), largest first. */
export function topSelfTime(profile: Profile, n = 15): { fn: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)?.callFrame;
    // The profiler's own stop call and idle time say nothing about the work.
    if (!f || f.url === 'node:inspector' || f.functionName === '(idle)') return;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self].map(([fn, ms]) => ({ fn, ms })).sort((a, b) => b.ms - a.ms).slice(0, n);
}

export async function profiled<T>(file: string, work: () => Promise<T>): Promise<{ result: T; top: { fn: string; ms: number }[] }> {
  const session = new inspector.Session();
  session.connect();
  try {
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.setSamplingInterval', { interval: 200 });
    await post(session, 'Profiler.start');
    const result = await work();
    const { profile } = await post<{ profile: Profile }>(session, 'Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
    return { result, top: topSelfTime(profile) };
  } finally {
    session.disconnect();
  }
}
