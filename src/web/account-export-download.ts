import type { Context } from 'hono';
import type { AccountExport } from '../accounts/account-data.js';
import type { AppEnv } from './env.js';

/** "Download my data" as a JSON attachment that no cache keeps. */
export function accountExportDownload(c: Context<AppEnv>, data: AccountExport): Response {
  const name = String(data.account.username ?? 'account').replace(/[^A-Za-z0-9_-]/g, '_');
  c.header('Cache-Control', 'no-store');
  c.header('Content-Disposition', `attachment; filename="paperboy-${name}-data.json"`);
  return c.json(data);
}
