import { describe, expect, it } from 'vitest';
import { MAX_MENTIONS, mentionedUsernames } from '../../src/community/mentions.js';

describe('mentionedUsernames', () => {
  it('finds @names in prose, emphasis and lists, once each whatever the case', () => {
    expect(mentionedUsernames('hi @alice and @Bob_1, thanks\n\n- **@frank** agrees\n- _@jo-e_ too @ALICE')).toEqual([
      'alice',
      'Bob_1',
      'frank',
      'jo-e',
    ]);
  });

  it('ignores code spans, fenced code, links, URLs and email addresses', () => {
    const body = 'run `@carol` or\n```\n@erin\n```\nsee [ask @gina](https://x.org/@hal) https://x.org/@ivan me@dave.org';
    expect(mentionedUsernames(body)).toEqual([]);
  });

  it('needs a whole username: too short, trailing dash or part of a word does not count', () => {
    expect(mentionedUsernames('@ab @abc- x@abc @abc')).toEqual(['abc']);
  });

  it('keeps at most MAX_MENTIONS names', () => {
    const body = Array.from({ length: MAX_MENTIONS + 5 }, (_, i) => `@user${i}x`).join(' ');
    expect(mentionedUsernames(body)).toHaveLength(MAX_MENTIONS);
  });
});
