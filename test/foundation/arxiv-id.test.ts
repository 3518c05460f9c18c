import { describe, expect, it } from 'vitest';
import { formatArxivId, parseArxivId } from '../../src/papers/arxiv-id.js';

describe('parseArxivId', () => {
  it.each([
    ['2501.12345', { id: '2501.12345', version: null }],
    ['2501.12345v2', { id: '2501.12345', version: 2 }],
    ['0704.0001', { id: '0704.0001', version: null }],
    ['hep-th/9901001', { id: 'hep-th/9901001', version: null }],
    ['hep-th/9901001v3', { id: 'hep-th/9901001', version: 3 }],
    ['math.GT/0309136', { id: 'math.GT/0309136', version: null }],
    ['arXiv:2501.12345v1', { id: '2501.12345', version: 1 }],
    ['  2501.12345  ', { id: '2501.12345', version: null }],
    ['https://arxiv.org/abs/2501.12345v2', { id: '2501.12345', version: 2 }],
    ['https://arxiv.org/pdf/2501.12345', { id: '2501.12345', version: null }],
    ['https://arxiv.org/pdf/2501.12345v4.pdf', { id: '2501.12345', version: 4 }],
    ['http://export.arxiv.org/abs/hep-th/9901001', { id: 'hep-th/9901001', version: null }],
  ])('parses %s', (input, expected) => {
    expect(parseArxivId(input)).toEqual(expected);
  });

  it.each([
    '',
    'hello',
    '2501.123',
    '25011.12345',
    'https://example.org/abs/2501.12345',
    'HEP-TH/9901001',
    '2501.12345v',
    'javascript:alert(1)',
  ])('rejects %j', (input) => {
    expect(parseArxivId(input)).toBeNull();
  });

  it('formats back with the version', () => {
    expect(formatArxivId({ id: '2501.12345', version: 2 })).toBe('2501.12345v2');
    expect(formatArxivId({ id: 'hep-th/9901001', version: null })).toBe('hep-th/9901001');
  });
});
