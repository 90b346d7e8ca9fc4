// The logging surface the vscode-free layers use; vscode.LogOutputChannel satisfies it.
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

/** For plain-Node tests and tools. */
export const consoleLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};
