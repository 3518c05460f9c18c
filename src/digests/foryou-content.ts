/**
 * A For-you digest as planned and recorded in its outbox row (`content`): the papers, their order and reasons are
 * decided at planning time, so the mail sent after a crash is the mail that was planned.
 */
export interface ForYouDigestContent {
  /** The period's top recommendations, best first, each with the sentence saying why. */
  readonly recommended: readonly { readonly id: string; readonly reason: string }[];
  /** Papers of the period by authors the reader follows, with those authors. */
  readonly followed: readonly { readonly id: string; readonly authors: readonly string[] }[];
}

export function parseForYouContent(json: string | null): ForYouDigestContent {
  const parsed = (json ? JSON.parse(json) : {}) as Partial<ForYouDigestContent>;
  return { recommended: parsed.recommended ?? [], followed: parsed.followed ?? [] };
}

export function forYouPaperIds(content: ForYouDigestContent): string[] {
  return [...content.recommended.map((r) => r.id), ...content.followed.map((f) => f.id)];
}
