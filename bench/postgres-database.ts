import pg from 'pg';

/**
 * A fresh, empty database on the server of `adminUrl` for one benchmark run (dropped by `drop`), or null when the
 * server cannot be reached. A whole database rather than a schema, so `paperboy serve` can be pointed at it unchanged.
 */
export async function freshPostgresDatabase(adminUrl: string, label = 'bench'): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  const name = `paperboy_${label}_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
