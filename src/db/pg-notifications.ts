import pg from 'pg';
import { checkChannelName, type NotificationChannel, type NotificationHandlers, type OpenNotificationChannel } from './notifications.js';

/** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more (the default build). */
const MAX_PAYLOAD_BYTES = 7_999;
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

/**
 * LISTEN/NOTIFY channels. Each channel listens on a connection of its own, outside the pool (a pooled connection
 * would be handed to other queries and lose its LISTEN); a lost connection is reopened with backoff and then
 * reported as `resumed`, since notifications sent meanwhile are gone. Publishing goes through `query` (the pool):
 * it works while the listening connection is down.
 */
export function postgresNotifications(url: string, query: (text: string, values: unknown[]) => Promise<unknown>): OpenNotificationChannel {
  return async (name, handlers) => {
    const channel = new ListeningConnection(url, checkChannelName(name), handlers);
    await channel.start();
    return {
      maxPayloadBytes: MAX_PAYLOAD_BYTES,
      publish: async (payload) => {
        await query('SELECT pg_notify($1, $2)', [name, payload]);
      },
      close: () => channel.close(),
    } satisfies NotificationChannel;
  };
}

class ListeningConnection {
  private client: pg.Client | null = null;
  private closed = false;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Once a connection was lost (or never made), the next successful one reports `resumed`. */
  private missedSome = false;

  constructor(
    private readonly url: string,
    private readonly name: string,
    private readonly handlers: NotificationHandlers,
  ) {}

  /** Connects once; on failure keeps retrying in the background instead of failing the caller. */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url, application_name: 'paperboy-notifications' });
    client.on('notification', (message) => {
      if (message.channel === this.name) this.handlers.message(message.payload ?? '');
    });
    client.on('error', (error) => this.lost(client, error.message));
    client.on('end', () => this.lost(client, 'connection ended'));
    try {
      await client.connect();
      // The name passed checkChannelName: a plain identifier, safe to splice.
      await client.query(`LISTEN ${this.name}`);
    } catch (error) {
      this.lost(client, error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = FIRST_RETRY_MS;
    if (this.missedSome) {
      this.missedSome = false;
      this.handlers.resumed();
    }
  }

  private lost(client: pg.Client, reason: string): void {
    if (this.closed) return;
    if (this.client !== null && this.client !== client) return;
    if (this.client === null && this.retryTimer !== null) return;
    this.client = null;
    this.missedSome = true;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.handlers.problem(`notification channel ${this.name}: ${reason}; reconnecting in ${this.retryMs} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}
