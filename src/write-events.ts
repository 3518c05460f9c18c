import type { Logger } from './logger.js';

/**
 * What a write changed, announced after its transaction committed. A plain serialisable object, so announcements
 * can later be forwarded between instances.
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
   * A reader's private ratings, follows or authored papers (their For-you profile) changed; they show on no page
   * anyone else sees.
   */
  | { readonly kind: 'rating' | 'follow' | 'authored'; readonly userIds: readonly number[] };

export type WriteListener = (event: WriteEvent) => void;

/** The announcing side, all a use-case needs. */
export interface WriteAnnouncer {
  announce(event: WriteEvent): void;
}

/** Announcements of committed writes and their subscribers (caches, later other instances). */
export class WriteEvents implements WriteAnnouncer {
  private readonly listeners = new Set<WriteListener>();

  constructor(private readonly logger: Logger) {}

  /** Calls every subscriber. The write is already committed, so a failing subscriber is logged, never thrown. */
  announce(event: WriteEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
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
