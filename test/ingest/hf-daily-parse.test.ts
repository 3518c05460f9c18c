import { describe, expect, it } from 'vitest';
import { parseDailyPaperEntry } from '../../src/ingest/hf-daily.js';
import { PAPER_LIMITS } from '../../src/papers/paper-limits.js';
import { dailyEntry } from '../helpers/fixtures.js';

describe('HF daily-papers entries are kept as the source wrote them', () => {
  it.each([
    'LLM$\\times$MapReduce: Simplified Long-Sequence Processing',
    '$\\textit{Trans-LoRA}$: towards data-free Transferable Parameter Efficient Finetuning',
    '\\$OneMillion-Bench: How Far are Language Agents from Human Experts?',
    'Back to Repair: A Minimal Denoising Network\\ for Time Series Anomaly Detection',
    'UniWeTok: Codebook Size 2^{128} for {Unified} Models',
    'ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large Multimodal\n  Models',
  ])('keeps the title %j with its TeX, braces, backslashes and line breaks', (title) => {
    const { paper, feed } = parseDailyPaperEntry(dailyEntry({ paper: { title }, outer: { title } }));
    expect(paper.title).toBe(title);
    expect(feed.title).toBe(title);
  });

  it("keeps the entry's own title apart from the paper's, which HF sometimes stripped", () => {
    const { paper, feed } = parseDailyPaperEntry(
      dailyEntry({
        paper: { title: 'LLMtimesMapReduce: Simplified Long-Sequence Processing using Large\n  Language Models' },
        outer: { title: 'LLM$\\times$MapReduce: Simplified Long-Sequence Processing using Large Language Models' },
      }),
    );
    expect(paper.title).toBe('LLMtimesMapReduce: Simplified Long-Sequence Processing using Large\n  Language Models');
    expect(feed.title).toBe('LLM$\\times$MapReduce: Simplified Long-Sequence Processing using Large Language Models');
  });

  it('keeps the summary with its line breaks, and stores the entry summary only when it differs', () => {
    const summary = 'High-resolution models encounter\nexcessive visual tokens with $O(n^2)$ cost.';
    const same = parseDailyPaperEntry(dailyEntry({ paper: { summary }, outer: { summary } }));
    expect(same.paper.abstract).toBe(summary);
    expect(same.feed.summary).toBeNull();
    const other = parseDailyPaperEntry(dailyEntry({ paper: { summary }, outer: { summary: 'Shorter.' } }));
    expect(other.feed.summary).toBe('Shorter.');
  });

  it('keeps URLs exactly as given: trailing slashes, paths, queries and a stray leading space', () => {
    const { paper } = parseDailyPaperEntry(
      dailyEntry({
        paper: { githubRepo: 'https://github.com/example/things/', projectPage: ' https://sites.google.com/view/adc-robot' },
        outer: { thumbnail: 'https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2501.00001.png?v=2' },
      }),
    );
    expect(paper.codeRepo?.url).toBe('https://github.com/example/things/');
    expect(paper.projectPage).toBe(' https://sites.google.com/view/adc-robot');
    expect(paper.thumbnail).toBe('https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2501.00001.png?v=2');
    const bare = parseDailyPaperEntry(dailyEntry({ paper: { projectPage: 'https://envharness.com/' } }));
    expect(bare.paper.projectPage).toBe('https://envharness.com/');
  });

  it('drops links that are not http(s) URLs', () => {
    const { paper } = parseDailyPaperEntry(
      dailyEntry({
        paper: { projectPage: 'javascript:alert(1)', githubRepo: 'not a url' },
        outer: { thumbnail: 'data:image/png;base64,AAAA' },
      }),
    );
    expect(paper.projectPage).toBeNull();
    expect(paper.codeRepo).toBeNull();
    expect(paper.thumbnail).toBeNull();
  });

  it('keeps timestamps with their time of day: the paper, its submission and the entry', () => {
    const { paper, feed } = parseDailyPaperEntry(
      dailyEntry({
        paper: { publishedAt: '2026-04-07T17:59:58.000Z', submittedOnDailyAt: '2026-04-10T00:58:14.251Z' },
        outer: { publishedAt: '2026-04-07T20:00:00.000Z' },
      }),
    );
    expect(paper.publishedAt).toBe('2026-04-07T17:59:58.000Z');
    expect(feed).toMatchObject({
      day: '2026-04-10',
      submittedOnDailyAt: '2026-04-10T00:58:14.251Z',
      publishedAt: '2026-04-07T20:00:00.000Z',
    });
  });

  it('keeps the organisation handle, display name and avatar, the generated summary and keywords', () => {
    const { paper } = parseDailyPaperEntry(
      dailyEntry({
        paper: {
          organization: { _id: 'x', name: 'google', fullname: 'Google', avatar: 'https://cdn.example.org/g.png' },
          ai_summary: 'EnvHarness reshapes <static> environments.',
          ai_keywords: ['environment generation', 42, '', 'RL'],
        },
      }),
    );
    expect(paper.organization).toEqual({ name: 'google', fullname: 'Google', avatar: 'https://cdn.example.org/g.png' });
    expect(paper.aiSummary).toBe('EnvHarness reshapes <static> environments.');
    expect(paper.aiKeywords).toEqual(['environment generation', 'RL']);
  });

  it("keeps the submitter's public fields with HF's keys, and nothing else", () => {
    const { feed } = parseDailyPaperEntry(
      dailyEntry({
        outer: {
          submittedBy: {
            _id: 'secret-id',
            name: 'akhaliq',
            fullname: 'AK',
            avatarUrl: 'https://cdn.example.org/a.png',
            isPro: true,
            email: 'x@y',
          },
        },
      }),
    );
    expect(feed.submittedBy).toEqual({ name: 'akhaliq', fullname: 'AK', avatarUrl: 'https://cdn.example.org/a.png', isPro: true });
  });

  it('leaves out what the source does not give', () => {
    const { paper, feed } = parseDailyPaperEntry(dailyEntry({ paper: { organization: undefined }, outer: { thumbnail: undefined } }));
    expect(paper.organization).toBeNull();
    expect(paper.aiSummary).toBeNull();
    expect(paper.aiKeywords).toBeNull();
    expect(paper.thumbnail).toBeNull();
    expect(feed.submittedBy).toBeNull();
    expect(feed.mediaUrls).toBeNull();
  });

  it('holds the new fields to the limits: long generated text truncated, long identifying text refused', () => {
    const { paper } = parseDailyPaperEntry(
      dailyEntry({
        paper: { ai_summary: 'a'.repeat(PAPER_LIMITS.aiSummary + 50), ai_keywords: Array.from({ length: 500 }, (_, i) => `k${i}`) },
      }),
    );
    expect(paper.aiSummary).toHaveLength(PAPER_LIMITS.aiSummary);
    expect(paper.aiSummary!.endsWith('…')).toBe(true);
    expect(paper.aiKeywords).toHaveLength(PAPER_LIMITS.aiKeywords);
    expect(() => parseDailyPaperEntry(dailyEntry({ outer: { title: 'x'.repeat(PAPER_LIMITS.title + 1) } }))).toThrow(
      "the entry's title is",
    );
    expect(() =>
      parseDailyPaperEntry(dailyEntry({ paper: { organization: { name: 'o'.repeat(PAPER_LIMITS.organization + 1), fullname: 'O' } } })),
    ).toThrow('organization name is');
    expect(() => parseDailyPaperEntry(dailyEntry({ outer: { thumbnail: `https://example.org/${'t'.repeat(PAPER_LIMITS.url)}` } }))).toThrow(
      'thumbnail URL is',
    );
    expect(() =>
      parseDailyPaperEntry(dailyEntry({ outer: { submittedBy: { name: 'n', fullname: 'f'.repeat(PAPER_LIMITS.organization + 1) } } })),
    ).toThrow('submitter fullname is');
  });
});
