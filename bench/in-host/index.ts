// extensionTestsPath of the views benchmarks (launched by bench/views-events.js and bench/views-list.js through
// the in-host runner): runs the benchmark named by $BENCH_VIEWS and writes its figures to $BENCH_RESULT_FILE.
import * as fs from 'node:fs';
import { hostLog } from '../../test/e2e/runner/host-log';
import { benchEvents } from './events';
import { env, explorer } from './host';
import { benchList } from './list';

export async function run(): Promise<void> {
  const which = env('BENCH_VIEWS');
  const file = env('BENCH_RESULT_FILE');
  try {
    const { api, syncMs } = await explorer();
    const result = which === 'events' ? await benchEvents(api) : which === 'list' ? await benchList(api, syncMs) : undefined;
    if (!result) throw new Error(`unknown BENCH_VIEWS=${which}`);
    fs.writeFileSync(file, JSON.stringify(result));
  } catch (e) {
    hostLog(`bench: failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    throw e;
  }
}
