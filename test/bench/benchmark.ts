// What a benchmark module exports and returns, and how it reads its `--key=value` parameters.
export type ParamValue = number | string | boolean;
export type BenchParams = Record<string, ParamValue>;

export interface Metric {
  value: number;
  unit: string;
}

export interface BenchResult {
  params: BenchParams;
  metrics: Record<string, Metric>;
  /** Remarks printed under the table (what ran in-process, what was excluded); not written to the JSON. */
  notes?: string[];
}

export type Benchmark = (params: BenchParams) => Promise<BenchResult>;

/** A whole-number parameter within bounds, so a typo cannot start an unbounded load loop. */
export function intParam(params: BenchParams, key: string, fallback: number, max: number): number {
  const raw = params[key];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`--${key} must be an integer in 1..${max}`);
  }
  return value;
}

/** Rounds for display and JSON: three significant decimals are plenty for these figures. */
export function metric(value: number, unit: string): Metric {
  return { value: Math.round(value * 1000) / 1000, unit };
}
