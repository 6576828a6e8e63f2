/** The contract's matching rules (§5.2) as cases on the unit tests' fixed catalog, asked of each engine. */
import { fixtureDocuments } from '../../../test/unit/search/search-catalog';
import type { Engine } from './engine';

interface Case {
  rule: string;
  q: string;
  /** The products expected, in order. */
  expected: string[];
}

export const RELEVANCE_CASES: Case[] = [
  { rule: 'accents folded', q: 'creme', expected: ['CREME-TORCH'] },
  { rule: 'case folded', q: 'CLASSIC MUG', expected: ['MUG-CLASSIC-01'] },
  { rule: 'every word required', q: 'classic mug teapot', expected: [] },
  { rule: 'last word as a prefix', q: 'mu', expected: ['MUG-CLASSIC-01'] },
  { rule: 'only the last word as a prefix', q: 'cof cup', expected: [] },
  { rule: 'one typo (swap), 5+ letters', q: 'tshrit', expected: ['TSHIRT-CLASSIC'] },
  { rule: 'one typo (insertion), 5+ letters', q: 'linnen', expected: ['SHADE-LINEN'] },
  { rule: 'no typo under 5 letters', q: 'cap', expected: ['CAP-BASEBALL'] },
  { rule: 'no typo under 5 letters (last word)', q: 'lamo', expected: [] },
  { rule: 'not two typos', q: 'lonan', expected: [] },
  { rule: 'name above description', q: 'lamp', expected: ['LAMP-DESK', 'SHADE-LINEN'] },
  { rule: 'option values searchable', q: 'blue shirt', expected: ['TSHIRT-CLASSIC'] },
  { rule: "inactive variant's value not found", q: 'green', expected: [] },
  { rule: 'inactive product never found', q: 'retired', expected: [] },
];

export interface RelevanceOutcome {
  rule: string;
  q: string;
  expected: string[];
  /** Per engine id, what it returned. */
  found: Record<string, string[]>;
}

export async function relevance(engines: Engine[]): Promise<RelevanceOutcome[]> {
  const indexes = await Promise.all(engines.map((engine) => engine.build(fixtureDocuments())));
  const outcomes: RelevanceOutcome[] = [];
  for (const { rule, q, expected } of RELEVANCE_CASES) {
    const found: Record<string, string[]> = {};
    for (const [i, engine] of engines.entries()) {
      found[engine.id] = (await indexes[i]?.search({ q, sort: 'relevance', limit: 20 }))?.ids ?? [];
    }
    outcomes.push({ rule, q, expected, found });
  }
  return outcomes;
}

export const passed = (outcome: RelevanceOutcome, engineId: string) =>
  JSON.stringify(outcome.found[engineId]) === JSON.stringify(outcome.expected);
