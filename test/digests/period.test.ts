import { describe, expect, it } from 'vitest';
import { parseDigestConfig } from '../../src/config/digest-config.js';
import { duePeriod, latestCompletePeriod, periodContaining, weekKeyOf, weekPeriod, zonedClock } from '../../src/feed/period.js';
import { ConfigError } from '../../src/config.js';

const NINE_PM = { hour: 21, minute: 0 };

describe('digest periods', () => {
  it('names ISO weeks, including those that straddle a new year', () => {
    expect(weekKeyOf('2025-01-06')).toBe('2025-W02');
    expect(weekKeyOf('2024-12-30')).toBe('2025-W01');
    expect(weekKeyOf('2021-01-03')).toBe('2020-W53');
    expect(weekPeriod('2025-W01')?.from).toBe('2024-12-30');
    expect(weekPeriod('2020-W53')?.from).toBe('2020-12-28');
    expect(weekPeriod('2025-W53')).toBeNull();
    expect(periodContaining('weekly', '2025-01-08')).toEqual({
      frequency: 'weekly',
      key: '2025-W02',
      from: '2025-01-06',
      to: '2025-01-12',
    });
    expect(periodContaining('daily', '2025-01-08')).toEqual({
      frequency: 'daily',
      key: '2025-01-08',
      from: '2025-01-08',
      to: '2025-01-08',
    });
  });

  it('reads the clock in the configured time zone', () => {
    expect(zonedClock(new Date('2025-01-06T23:30:00Z'), 'Europe/Berlin')).toEqual({ day: '2025-01-07', weekday: 2, minuteOfDay: 30 });
    expect(zonedClock(new Date('2025-01-06T03:00:00Z'), 'America/New_York')).toEqual({
      day: '2025-01-05',
      weekday: 7,
      minuteOfDay: 22 * 60,
    });
  });

  it('schedules daily digests on weekdays after the send time and weekly ones on Mondays', () => {
    expect(duePeriod('daily', new Date('2025-01-06T20:59:00Z'), 'UTC', NINE_PM)).toBeNull();
    expect(duePeriod('daily', new Date('2025-01-06T21:00:00Z'), 'UTC', NINE_PM)?.key).toBe('2025-01-06');
    expect(duePeriod('daily', new Date('2025-01-11T22:00:00Z'), 'UTC', NINE_PM)).toBeNull(); // Saturday
    expect(duePeriod('weekly', new Date('2025-01-13T21:30:00Z'), 'UTC', NINE_PM)?.key).toBe('2025-W02');
    expect(duePeriod('weekly', new Date('2025-01-14T21:30:00Z'), 'UTC', NINE_PM)).toBeNull();
    // 21:00 in Tokyo on Monday is 12:00 UTC.
    expect(duePeriod('daily', new Date('2025-01-06T12:00:00Z'), 'Asia/Tokyo', NINE_PM)?.key).toBe('2025-01-06');
  });

  it('defaults `digest send` to the latest complete period', () => {
    expect(latestCompletePeriod('daily', new Date('2025-01-07T10:00:00Z'), 'UTC', NINE_PM).key).toBe('2025-01-06');
    expect(latestCompletePeriod('daily', new Date('2025-01-07T22:00:00Z'), 'UTC', NINE_PM).key).toBe('2025-01-07');
    expect(latestCompletePeriod('weekly', new Date('2025-01-08T10:00:00Z'), 'UTC', NINE_PM).key).toBe('2025-W01');
  });

  it('validates the digest settings and names the variable', () => {
    expect(parseDigestConfig({})).toMatchObject({ scheduler: true, timeZone: 'UTC', sendTime: NINE_PM });
    expect(parseDigestConfig({ PAPERBOY_SCHEDULER: 'off', PAPERBOY_DIGEST_TIME: '7:05' })).toMatchObject({
      scheduler: false,
      sendTime: { hour: 7, minute: 5 },
    });
    expect(() => parseDigestConfig({ PAPERBOY_DIGEST_TIMEZONE: 'Mars/Olympus' })).toThrow(/PAPERBOY_DIGEST_TIMEZONE/);
    expect(() => parseDigestConfig({ PAPERBOY_DIGEST_TIME: '25:00' })).toThrow(ConfigError);
    expect(() => parseDigestConfig({ PAPERBOY_DIGEST_RATE: '0' })).toThrow(/PAPERBOY_DIGEST_RATE/);
    expect(() => parseDigestConfig({ PAPERBOY_SCHEDULER: 'sometimes' })).toThrow(/PAPERBOY_SCHEDULER/);
  });
});

describe('digest MIME', () => {
  it('encodes non-ASCII headers as RFC 2047 words and keeps ASCII as is', async () => {
    const { encodeHeaderText, encodeAddress } = await import('../../src/digests/mime.js');
    expect(encodeHeaderText('Daily papers')).toBe('Daily papers');
    const encoded = encodeHeaderText('Papers on “robots” — Tue, Jan 7, 2025 (10 papers) with a long tail of words');
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(encodeAddress('Paperboy <news@example.org>')).toBe('Paperboy <news@example.org>');
    expect(encodeAddress('Zeitung für Papiere <news@example.org>')).toMatch(/^=\?UTF-8\?B\?.+\?= <news@example\.org>$/);
  });
});
