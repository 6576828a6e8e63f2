import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../scripts/local/paths';

/**
 * Every metric name the code publishes: `addMetric('<name>'`, each quoted name of a conditional one
 * (`addMetric(open ? 'AOpened' : 'AClosed'`), and Powertools' `ColdStart` where we capture it.
 */
export function publishedMetricNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) walk(file);
      else if (file.endsWith('.ts')) {
        const source = readFileSync(file, 'utf8');
        for (const call of source.matchAll(/addMetric\(([^,]*?),\s*'/g))
          for (const name of (call[1] as string).matchAll(/'(\w+)'/g)) names.add(name[1] as string);
        if (source.includes('captureColdStartMetric(')) names.add('ColdStart');
      }
    }
  };
  walk(path.join(repoRoot, 'shared'));
  walk(path.join(repoRoot, 'functions'));
  return names;
}
