// Runs one of the in-host view benchmarks (bench/in-host/) in a real VS Code (code-server) through the e2e
// runner and returns the figures it wrote. Its hostLog lines appear on our stdout as it goes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runInHostSuite } from '../../test/e2e/runner/run-inhost';
import { benchArtifactsDir, projectRoot } from './report';

export async function runInHostBench<T>(name: 'events' | 'list', env: Record<string, string>, timeoutMs = 20 * 60_000): Promise<T> {
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-views-')), 'result.json');
  try {
    const code = await runInHostSuite({
      suiteDir: path.join(projectRoot, 'out', 'bench', 'in-host'),
      env: { ...env, BENCH_VIEWS: name, BENCH_RESULT_FILE: resultFile },
      artifactsDir: path.join(benchArtifactsDir, `views-${name}`),
      timeoutMs,
    });
    if (code !== 0 || !fs.existsSync(resultFile)) throw new Error(`the in-host benchmark failed (exit ${code}); logs in ${path.join(benchArtifactsDir, `views-${name}`)}`);
    return JSON.parse(fs.readFileSync(resultFile, 'utf8')) as T;
  } finally {
    fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
  }
}
