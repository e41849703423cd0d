/**
 * A stand-in for an object that a beforeAll hook makes: `value` forwards every property read
 * to what `set` was last given (methods bound to it), so a test file can destructure a fixture
 * once, where it registers the fixture's hooks, and use it in its tests unchanged. Reading
 * `value` before `set` throws, naming the fixture; `current()` is undefined until then.
 */
export interface LateBound<T extends object> {
  value: T;
  set(next: T): void;
  current(): T | undefined;
}

export function lateBound<T extends object>(what: string): LateBound<T> {
  let current: T | undefined;
  const target = (): T => {
    if (current === undefined) throw new Error(`${what} is not there: its beforeAll hook has not run, or failed`);
    return current;
  };
  const value = new Proxy({} as T, {
    get: (_, prop) => {
      const got: unknown = Reflect.get(target(), prop);
      // Bound: class methods reach private fields through `this`, which a proxy does not have.
      return typeof got === 'function' ? (got as (...args: unknown[]) => unknown).bind(target()) : got;
    },
    has: (_, prop) => Reflect.has(target(), prop),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, prop) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), prop);
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(target()),
  });
  return { value, set: (next) => { current = next; }, current: () => current };
}
