/** What one /metrics scrape holds: label names per sample name, and the families declared by `# TYPE`. */
export interface Scrape {
  /** Sample name (`x_total`, `x_bucket`, ...) -> every label name its samples carry. */
  samples: Map<string, Set<string>>;
  /** Family name -> its type, from `# TYPE` (a labelled counter nobody incremented has a TYPE line and no sample). */
  families: Map<string, string>;
}

/** Parses the Prometheus text exposition format (what prom-client serves). */
export function parseExposition(text: string): Scrape {
  const samples = new Map<string, Set<string>>();
  const families = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) families.set(type[1] as string, type[2] as string);
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? /.exec(line);
    if (!sample) throw new Error(`not a sample line of the exposition format: ${line}`);
    const labels = samples.get(sample[1] as string) ?? new Set<string>();
    for (const m of (sample[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(m[1] as string);
    samples.set(sample[1] as string, labels);
  }
  return { samples, families };
}
