import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { IdentityProvider } from '../../domain/customers/identity';
import { type CognitoUser, emailOfUser } from './user-attributes';

/**
 * The local stand-in for the Cognito user pool's users: one file per user under
 * `<issuer dir>/users/`, holding what GetUser would answer. `npm run token -- --email e` records
 * the address (as verified, unless `--email-unverified`); the functions read it through the same
 * port as Cognito's GetUser, so `npm start` sends order e-mails exactly as AWS does.
 */

const fileOf = (issuerDir: string, sub: string) =>
  path.join(issuerDir, 'users', `${createHash('sha256').update(sub).digest('hex')}.json`);

/** Records (or replaces) a local user's e-mail address. */
export function recordLocalUser(issuerDir: string, user: { sub: string; email: string; emailVerified: boolean }): void {
  const file = fileOf(issuerDir, user.sub);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const record: CognitoUser = {
    Username: user.sub,
    UserAttributes: [
      { Name: 'sub', Value: user.sub },
      { Name: 'email', Value: user.email },
      { Name: 'email_verified', Value: String(user.emailVerified) },
    ],
  };
  // Written whole, then renamed: a reader never sees half a file, whoever writes at the same time.
  const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(partial, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(partial, file);
}

/** The identity provider of local mode: the user directory of the local issuer. */
export function createLocalUserDirectory(issuerDir: string): IdentityProvider {
  return {
    async emailOf({ sub }) {
      let text: string;
      try {
        text = await readFile(fileOf(issuerDir, sub), 'utf8');
      } catch (error) {
        // A user nobody recorded an address for: like a Cognito user without an e-mail.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { email: null, verified: false };
        throw error;
      }
      const user = JSON.parse(text) as CognitoUser;
      if (user.Username !== sub) throw new Error('the local user directory holds another user under this id');
      return emailOfUser(user);
    },
  };
}
