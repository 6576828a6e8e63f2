/**
 * `npm run token -- --sub <id> --role customer|admin [--email e [--email-unverified]] [--expires-in <s>] [--token-use access|id]`
 * Prints a token signed by the local issuer, and only the token, so `$(npm run -s token -- ...)` works.
 * `--email` records the address in the issuer's user directory (`.local/issuer/users/`), verified
 * unless `--email-unverified`: the local stand-in for the Cognito user's `email` and `email_verified`,
 * where the functions look it up (access tokens carry no e-mail, as in Cognito).
 */
import { parseArgs } from 'node:util';
import { mintToken, type Role, type TokenUse } from './local/issuer';
import { localPaths } from './local/paths';

const USAGE =
  'usage: npm run token -- --sub <id> --role customer|admin [--email <e> [--email-unverified]] [--expires-in <seconds>] [--token-use access|id]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

/** `--expires-in -60` is how people write it, but parseArgs reads `-60` as an option: join the two. */
function joinNegativeNumbers(args: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    if (arg.startsWith('--') && !arg.includes('=') && next !== undefined && /^-\d+$/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

function main(): void {
  const authMode = process.env.AUTH_MODE;
  if (authMode !== undefined && authMode !== '' && authMode !== 'local') {
    fail(
      `npm run token only mints tokens for the local issuer, and AUTH_MODE is "${authMode}". ` +
        'In AWS, sign in through Cognito to get a token; locally, unset AUTH_MODE.',
    );
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: joinNegativeNumbers(process.argv.slice(2)),
      options: {
        sub: { type: 'string' },
        role: { type: 'string' },
        email: { type: 'string' },
        'email-unverified': { type: 'boolean' },
        'expires-in': { type: 'string' },
        'token-use': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
      allowNegative: false,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  const sub = values.sub as string | undefined;
  if (!sub) fail('--sub is required');
  const role = values.role as string | undefined;
  if (role !== 'customer' && role !== 'admin') fail('--role must be customer or admin');
  const tokenUse = (values['token-use'] as string | undefined) ?? 'access';
  if (tokenUse !== 'access' && tokenUse !== 'id') fail('--token-use must be access or id');
  const expiresIn = (values['expires-in'] as string | undefined) ?? '3600';
  const email = values.email as string | undefined;
  if (values['email-unverified'] && email === undefined) fail('--email-unverified needs --email');
  if (!/^-?\d+$/.test(expiresIn)) fail('--expires-in must be a whole number of seconds (negative: already expired)');
  const token = mintToken({
    dir: localPaths().issuer,
    sub,
    role: role as Role,
    tokenUse: tokenUse as TokenUse,
    expiresInSeconds: Number(expiresIn),
    ...(email !== undefined && { email, emailVerified: values['email-unverified'] !== true }),
  });
  process.stdout.write(`${token}\n`);
}

main();
