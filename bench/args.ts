import { parseArgs } from 'node:util';

/** The sizes `npm run bench` runs without --users / --sizes. */
export const DEFAULT_SIZES = [{ users: 1000, groups: 100 }, { users: 5000, groups: 500 }] as const;

/** What `npm run bench -- ...` asked for. */
export interface BenchArgs {
  sizes: { users: number; groups: number }[];
  /** True for the default sizes: only that run writes bench/results/latest.json. */
  defaultSizes: boolean;
  repeats: number;
  /** --resync for every size; undefined: `resyncFor(users)` per size. */
  resync?: string;
  out?: string;
  /** Watch only the bench's namespaces instead of all (a shared environment); the RSS is then not the default install's. */
  scoped: boolean;
  noise: number;
}

const USAGE = `usage: npm run bench -- [--users N [--groups M]] [--sizes 100x10,300x30] [--repeats 5] [--resync 60s (default 60s per 1,000 users, at least 60s)] [--noise 2000] [--scoped] [--out file.json]`;

/**
 * Parses the bench's flags (everything after `npm run bench --`). --users/--groups run one
 * size; --sizes runs several (a smaller pair than the default, for a quick check); without
 * either the default pair runs. Throws with the usage on anything else.
 */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({ args: argv, strict: true, options: {
    users: { type: 'string' }, groups: { type: 'string' }, sizes: { type: 'string' }, repeats: { type: 'string', default: '5' },
    resync: { type: 'string' }, out: { type: 'string' }, scoped: { type: 'boolean', default: false }, noise: { type: 'string', default: '2000' },
  } });
  const int = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, not ${v}\n${USAGE}`);
    return n;
  };
  const repeats = int('repeats', values.repeats, 1);
  let sizes: BenchArgs['sizes'] = DEFAULT_SIZES.map((s) => ({ ...s }));
  if (values.users !== undefined) {
    const users = int('users', values.users, repeats + 1);
    sizes = [{ users, groups: values.groups === undefined ? Math.max(10, Math.round(users / 10)) : int('groups', values.groups, 1) }];
  } else if (values.sizes !== undefined) {
    sizes = values.sizes.split(',').map((s) => {
      const [u, g] = s.split('x');
      return { users: int('sizes', u, repeats + 1), groups: int('sizes', g, 1) };
    });
  } else if (values.groups !== undefined) throw new Error(`--groups needs --users\n${USAGE}`);
  if (values.resync !== undefined) parseDuration(values.resync);
  return { sizes, defaultSizes: values.users === undefined && values.sizes === undefined, repeats, resync: values.resync, out: values.out, scoped: values.scoped, noise: int('noise', values.noise, 0) };
}

/**
 * The default resync period for a size: 60 s up to 1,000 users, then 60 s per 1,000 users, so
 * one resync pass of every object fits well inside one period (the steady window needs that)
 * and convergence holds about as many resyncs at every size.
 */
export function resyncFor(users: number): string {
  return `${Math.max(60, Math.round((60 * users) / 1000))}s`;
}

/** Milliseconds of a duration like 500ms, 60s or 2m. */
export function parseDuration(d: string): number {
  const m = /^(\d+)(ms|s|m)$/.exec(d);
  if (!m) throw new Error(`--resync must look like 500ms, 60s or 2m, not ${d}\n${USAGE}`);
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000 } as Record<string, number>)[m[2] ?? 's']!;
}
