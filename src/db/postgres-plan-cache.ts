import { createHash } from 'node:crypto';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/** A statement is prepared on a connection once its text has run this many times (in any connection). */
const PREPARE_AFTER = 5;
/** Statements prepared per connection; later texts run unprepared (each plan costs the server some memory). */
const PREPARED_PER_CONNECTION = 128;
/** Texts whose runs are counted; the count starts over when this many were seen. */
const COUNTED_TEXTS = 4_096;

/** Only a single data statement with parameters (never a multi-statement script, DDL or transaction control). */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/** PostgreSQL's answer when a prepared statement's result columns changed under it (a migration added a column). */
const RESULT_TYPE_CHANGED = '0A000';

/**
 * The pool as Kysely's PostgreSQL dialect sees it, with the statements an instance runs over and over prepared on
 * each connection, as JDBC drivers do after a few runs. Kysely sends every query unnamed, so the server parses and
 * plans it afresh: for a search page's listing query, planning alone took about 2 ms of its 3–5. A prepared statement
 * is planned once per connection and reused (the server still plans per call when the parameters would change the
 * plan: its plan cache compares a generic plan with custom ones).
 */
export function keepingPlans(
  pool: pg.Pool,
  limits: { readonly prepareAfter: number; readonly perConnection: number } = {
    prepareAfter: PREPARE_AFTER,
    perConnection: PREPARED_PER_CONNECTION,
  },
): PostgresPool {
  const runs = new Map<string, { count: number; name: string | null }>();
  const nameFor = (text: string): string | null => {
    let seen = runs.get(text);
    if (!seen) {
      if (runs.size >= COUNTED_TEXTS) runs.clear();
      seen = { count: 0, name: null };
      runs.set(text, seen);
    }
    seen.count += 1;
    if (seen.count < limits.prepareAfter) return null;
    seen.name ??= `pb_${createHash('sha1').update(text).digest('base64url')}`;
    return seen.name;
  };
  const prepared = new WeakMap<pg.PoolClient, { names: Set<string>; refused: Set<string> }>();

  return {
    connect: async () => {
      const client = await pool.connect();
      const state = prepared.get(client) ?? { names: new Set<string>(), refused: new Set<string>() };
      prepared.set(client, state);
      const query = async <R>(text: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> => {
        const values = [...parameters];
        const name = values.length > 0 && PREPARABLE.test(text) ? nameFor(text) : null;
        const usable = name !== null && !state.refused.has(name) && (state.names.has(name) || state.names.size < limits.perConnection);
        if (!usable) return (await client.query(text, values)) as unknown as PostgresQueryResult<R>;
        state.names.add(name);
        try {
          return (await client.query({ name, text, values })) as unknown as PostgresQueryResult<R>;
        } catch (error) {
          if ((error as { code?: string }).code !== RESULT_TYPE_CHANGED) throw error;
          // The connection keeps the stale statement under this name: the text runs unprepared here from now on. Inside
          // a transaction the error has aborted it, and the caller gets the error itself rather than the retry's.
          state.refused.add(name);
          try {
            return (await client.query(text, values)) as unknown as PostgresQueryResult<R>;
          } catch {
            throw error;
          }
        }
      };
      const wrapped = {
        query: (textOrCursor: string | PostgresCursor<unknown>, parameters?: readonly unknown[]) =>
          typeof textOrCursor === 'string' ? query(textOrCursor, parameters ?? []) : client.query(textOrCursor as never),
        release: (destroy?: boolean) => client.release(destroy),
      };
      return wrapped as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}
