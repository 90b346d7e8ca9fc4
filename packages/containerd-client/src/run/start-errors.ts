// runc's "could not start the process" errors, turned into typed errors that say which command and why.
import { ContainerdError, NotFoundError, PermissionDeniedError } from '../errors';

/** The command runc could not start, from its error text (`exec: "bash": executable file not found in $PATH`). */
export function commandStartError(e: unknown, containerId: string, args: string[]): ContainerdError | undefined {
  if (!(e instanceof ContainerdError)) return undefined;
  const m = /exec: "([^"]*)": (.*?)(?:: unknown)?$/.exec(e.message);
  if (!m) return undefined;
  const [, cmd, why] = m;
  if (/executable file not found|no such file or directory/.test(why)) {
    return new NotFoundError(`command "${cmd || args[0]}" not found in container "${containerId}"`, { cause: e });
  }
  if (/permission denied/.test(why)) return new PermissionDeniedError(`command "${cmd}" cannot be run in container "${containerId}": permission denied`, { cause: e });
  return undefined;
}
