import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../scripts/local/paths';

describe('the typed client', () => {
  it('has the types of the current API (else: npm run client)', () => {
    // In a process of its own: openapi-typescript is an ES module, which this project's jest does not load.
    const generated = execFileSync(
      path.join(repoRoot, 'node_modules', '.bin', 'tsx'),
      [path.join(repoRoot, 'scripts', 'client.ts'), '--stdout'],
      { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    expect(generated.length).toBeGreaterThan(100_000);
    expect(readFileSync(path.join(repoRoot, 'clients', 'typescript', 'schema.ts'), 'utf8')).toBe(generated);
  });
});
