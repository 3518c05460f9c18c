import { randomBytes } from 'node:crypto';
import type { NotificationChannel, OpenNotificationChannel } from './db/notifications.js';
import type { Logger } from './logger.js';
import type { WriteEvent, WriteEvents } from './write-events.js';

/** The channel every instance of one database forwards its write announcements on. */
export const WRITES_CHANNEL = 'paperboy_writes';

const KINDS = new Set<WriteEvent['kind']>([
  'vote',
  'comment',
  'submission',
  'paper-visibility',
  'import',
  'user-ban',
  'subscription',
  'library',
  'rating',
  'follow',
  'author-claim',
  'missed',
]);

interface Envelope {
  /** The sending instance, so that it can ignore its own echo. */
  readonly from: string;
  readonly event: WriteEvent;
}

export interface WriteRelay {
  /** Resolves once every announcement handed to the channel so far has been published. */
  flushed(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Forwards this instance's write announcements to every other instance on the same database and delivers theirs
 * here, so each instance's caches clear on every instance's writes. An announcement too large for the channel is
 * forwarded as `missed` (receivers drop everything derived), and so is a gap after the channel reconnects.
 */
export async function relayWrites(writes: WriteEvents, openChannel: OpenNotificationChannel, logger: Logger): Promise<WriteRelay> {
  const instance = randomBytes(9).toString('base64url');
  const channel: NotificationChannel = await openChannel(WRITES_CHANNEL, {
    message(payload) {
      const envelope = parseEnvelope(payload);
      if (!envelope) {
        logger.error('unreadable write announcement from another instance', { bytes: Buffer.byteLength(payload) });
        return;
      }
      if (envelope.from !== instance) writes.receive(envelope.event);
    },
    resumed() {
      logger.info('write announcements from other instances resumed; dropping cached pages');
      writes.receive({ kind: 'missed' });
    },
    problem(message) {
      logger.error('write announcements between instances interrupted', { error: message });
    },
  });
  let pending = Promise.resolve();
  const unsubscribe = writes.subscribe((event, origin) => {
    if (origin !== 'local') return;
    const payload = envelopeFor(instance, event, channel.maxPayloadBytes);
    pending = pending
      .then(() => channel.publish(payload))
      .catch((error: unknown) => logger.error('could not forward a write announcement', { kind: event.kind, error: String(error) }));
  });
  return {
    flushed: () => pending,
    close: async () => {
      unsubscribe();
      await pending;
      await channel.close();
    },
  };
}

/** The message for an event, or a `missed` one when the event does not fit the channel. */
export function envelopeFor(instance: string, event: WriteEvent, maxPayloadBytes: number): string {
  const payload = JSON.stringify({ from: instance, event } satisfies Envelope);
  if (Buffer.byteLength(payload) <= maxPayloadBytes) return payload;
  return JSON.stringify({ from: instance, event: { kind: 'missed' } } satisfies Envelope);
}

function parseEnvelope(payload: string): Envelope | null {
  try {
    const value = JSON.parse(payload) as unknown;
    if (typeof value !== 'object' || value === null) return null;
    const { from, event } = value as { from?: unknown; event?: unknown };
    if (typeof from !== 'string' || typeof event !== 'object' || event === null) return null;
    const kind = (event as { kind?: unknown }).kind;
    return typeof kind === 'string' && KINDS.has(kind as WriteEvent['kind']) ? { from, event: event as WriteEvent } : null;
  } catch {
    return null;
  }
}
