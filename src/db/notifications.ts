/**
 * Messages between the processes that share one database, on named channels. PostgreSQL carries them with
 * LISTEN/NOTIFY (`pg-notifications.ts`); an engine without such a feature gets the in-process hub below, which
 * reaches every channel opened in this process on the same database (SQLite instances are one process per file).
 */

export interface NotificationHandlers {
  /** A message published on the channel, by any process (this one included). */
  message(payload: string): void;
  /** The connection was lost and is back: messages published meanwhile were missed. */
  resumed(): void;
  /** Something went wrong that the channel recovers from by itself; for the log. */
  problem(message: string): void;
}

export interface NotificationChannel {
  /** The largest payload `publish` carries, in UTF-8 bytes. */
  readonly maxPayloadBytes: number;
  /** Sends a message to every channel open on this name, this one included. */
  publish(payload: string): Promise<void>;
  close(): Promise<void>;
}

export type OpenNotificationChannel = (name: string, handlers: NotificationHandlers) => Promise<NotificationChannel>;

/** Channel names are identifiers on every engine: lower-case letters, digits and underscores. */
export function checkChannelName(name: string): string {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid notification channel name "${name}"`);
  return name;
}

const hubs = new Map<string, Map<string, Set<NotificationHandlers>>>();

/** Channels that reach the other channels opened in this process for the same database (`scope`). */
export function inProcessNotifications(scope: string): OpenNotificationChannel {
  return (name, handlers) => {
    checkChannelName(name);
    let channels = hubs.get(scope);
    if (!channels) hubs.set(scope, (channels = new Map()));
    let listeners = channels.get(name);
    if (!listeners) channels.set(name, (listeners = new Set()));
    listeners.add(handlers);
    const members = listeners;
    return Promise.resolve({
      maxPayloadBytes: Number.MAX_SAFE_INTEGER,
      publish: (payload) => {
        for (const member of [...members]) member.message(payload);
        return Promise.resolve();
      },
      close: () => {
        members.delete(handlers);
        return Promise.resolve();
      },
    });
  };
}
