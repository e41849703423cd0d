import { AsyncLocalStorage } from 'node:async_hooks';

// The port operation whose request is being sent (e.g. `update realm "dash" (rememberMe)`),
// carried across the admin client's awaits down to the dispatcher, which only sees a method
// and a path.
const current = new AsyncLocalStorage<string>();

/** Runs `fn` (one port operation's request) with `operation` as its description. */
export function runAsOperation<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  return current.run(operation, fn);
}

/** The description of the operation whose request runs in this async context, if any. */
export function currentOperation(): string | undefined {
  return current.getStore();
}
