import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * The zod every schema uses: `zod/mini`, whose functions tree-shake where classic zod's methods
 * cannot (about a third of classic zod's bytes in each Lambda bundle), with classic zod's English
 * messages, which mini leaves unset ("Invalid input" for every problem). Import `z` from here so
 * the messages are configured before any schema parses. `en` is imported by name: it costs ~3 KB,
 * while `z.locales.en()` would bundle every locale (~260 KB).
 */
config(en());

export * from 'zod/mini';
