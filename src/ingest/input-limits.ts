/**
 * Size limits on import input, so that a corrupt or hostile file fails on its own with a message instead of
 * exhausting memory. The per-field limits of a paper are PAPER_LIMITS in papers/paper-limits.ts.
 */
export const INPUT_LIMITS = {
  /**
   * Bytes of one daily-papers file, before and after gzip decompression (a real day is a few hundred kilobytes).
   * Decompression stops at this size, so a gzip bomb costs at most this much memory.
   */
  dailyFileBytes: 32 << 20,
  /**
   * Bytes of one line (one record) of an arXiv snapshot file; a longer line is skipped without being held in
   * memory whole. A record within PAPER_LIMITS takes well under 2 MiB.
   */
  snapshotLineBytes: 4 << 20,
} as const;
