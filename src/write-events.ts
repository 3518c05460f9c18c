import type { Logger } from './logger.js';

/**
 * What a write changed, announced after its transaction committed. A plain serialisable object, so announcements
 * can be forwarded between instances (write-relay.ts).
 */
export type WriteEvent =
  | {
      readonly kind: 'comment' | 'submission' | 'paper-visibility' | 'import';
      readonly paperIds: readonly string[];
    }
  /** An upvote added or removed; `userIds` names the voter (an upvote is a signal of theirs for For you). */
  | { readonly kind: 'vote'; readonly paperIds: readonly string[]; readonly userIds?: readonly number[] }
  | { readonly kind: 'user-ban'; readonly userIds: readonly number[] }
  | { readonly kind: 'subscription'; readonly subscriptionIds: readonly number[] }
  /**
   * A reader's library changed. Libraries are private, so only a change that touches a public tag (`public`) can
   * change a page anyone else sees.
   */
  | { readonly kind: 'library'; readonly userIds: readonly number[]; readonly public: boolean }
  /**
   * A reader's private ratings, follows, notifications or authored papers (their For-you profile) changed; they show
   * on no page anyone else sees.
   */
  | { readonly kind: 'rating' | 'follow' | 'notification' | 'authored'; readonly userIds: readonly number[] }
  /**
   * Another instance wrote something this one cannot know in detail (the link between instances was down, or the
   * announcement was too large to forward): anything derived from the database may be stale.
   */
  | { readonly kind: 'missed' };

/** Where an announcement comes from: a write in this process, or one forwarded from another instance. */
export type WriteOrigin = 'local' | 'remote';

export type WriteListener = (event: WriteEvent, origin: WriteOrigin) => void;

/** The announcing side, all a use-case needs. */
export interface WriteAnnouncer {
  announce(event: WriteEvent): void;
}

/** Announcements of committed writes and their subscribers (caches, the relay to other instances). */
export class WriteEvents implements WriteAnnouncer {
  private readonly listeners = new Set<WriteListener>();

  constructor(private readonly logger: Logger) {}

  /** Calls every subscriber. The write is already committed, so a failing subscriber is logged, never thrown. */
  announce(event: WriteEvent): void {
    this.deliver(event, 'local');
  }

  /** Delivers an announcement forwarded from another instance (see write-relay.ts). */
  receive(event: WriteEvent): void {
    this.deliver(event, 'remote');
  }

  private deliver(event: WriteEvent, origin: WriteOrigin): void {
    for (const listener of this.listeners) {
      try {
        listener(event, origin);
      } catch (error) {
        this.logger.error('write listener failed', { kind: event.kind, error: String(error) });
      }
    }
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: WriteListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
