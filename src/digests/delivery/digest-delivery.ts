/** An assembled digest, ready to hand over. */
export interface OutgoingDigest {
  readonly from: string;
  readonly to: string;
  readonly messageId: string;
  readonly raw: Buffer;
}

/**
 * Where digests go. Unlike the general MailTransport, a delivery runs `handOver` at the one point after which the
 * destination may own the message (right before the SMTP end-of-data marker, or the rename of an .eml file), so
 * the outbox can record that point in the database; see worker.ts for why.
 */
export interface DigestDelivery {
  readonly description: string;
  deliver(message: OutgoingDigest, handOver: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** A failed delivery: temporary ones (SMTP 4xx, network) are retried with backoff, permanent ones (5xx) are not. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly temporary: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}
