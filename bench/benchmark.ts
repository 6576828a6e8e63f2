import type { BenchContext } from './bench-context';

/** One row of a section's table; `pass` is undefined for rows that carry no target. */
export interface ResultRow {
  cells: string[];
  pass?: boolean;
}

/** What a benchmark hands to the report: one section of docs/BENCHMARKS.md and of the stdout summary. */
export interface SectionResult {
  columns: string[];
  rows: ResultRow[];
  /** One line each, printed to stdout and repeated in the document's summary table. */
  summary: string;
  /** Further tables under the main one (details, breakdowns), each after a one-line caption. */
  tables?: DetailTable[];
  /** Remarks worth reading next to the table (a missed target and its cause, say). */
  notes?: string[];
}

export interface DetailTable {
  caption: string;
  columns: string[];
  rows: string[][];
}

/**
 * A measure of `npm run bench`. The document is generated from the list of these in run.ts, so a
 * later measure (checkout, worker throughput) is one more file and one more entry in that list.
 */
export interface Benchmark {
  id: string;
  title: string;
  /** Bullet points for the document's "How measured" section. */
  howMeasured: string[];
  run(context: BenchContext): Promise<SectionResult>;
}
