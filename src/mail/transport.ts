export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A message already composed as RFC 5322 bytes (digests are), with its SMTP envelope. */
export interface RawMessage {
  /** Envelope sender: a bare address. */
  readonly from: string;
  readonly to: string;
  readonly messageId: string;
  readonly raw: Buffer;
}

/** Where outgoing mail goes: account mail, confirmations and digests all leave through one of these. */
export interface MailTransport {
  /** Human-readable destination without credentials, for logs. */
  readonly description: string;
  /** Composes a message from the configured MAIL_FROM and sends it. */
  send(message: MailMessage): Promise<{ messageId: string }>;
  /**
   * Sends a composed message, running `handOver` at the one point after which the destination may own it (right
   * before the SMTP end-of-data marker, or the rename of an .eml file), so a caller can record that point; an error
   * from `handOver` aborts the message and is rethrown as it is. Other failures are `MailDeliveryError`s.
   */
  deliver(message: RawMessage, handOver: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** A failed send: temporary ones (SMTP 4xx, network) may succeed later, permanent ones (5xx) will not. */
export class MailDeliveryError extends Error {
  constructor(
    message: string,
    readonly temporary: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MailDeliveryError';
  }
}

/**
 * Whether sending may succeed if tried again later: SMTP 4xx replies and network failures are temporary,
 * 5xx replies (unknown mailbox, rejected content) are permanent.
 */
export function isTemporaryMailError(error: unknown): boolean {
  if (error instanceof MailDeliveryError) return error.temporary;
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  if (typeof code === 'number') return code < 500;
  return true;
}
