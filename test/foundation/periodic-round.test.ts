import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeriodicRound } from '../../src/periodic-round.js';

/** A round that stays under way until the test ends it. */
function heldRounds() {
  const ends: (() => void)[] = [];
  let started = 0;
  const round = () => {
    started++;
    return new Promise<void>((resolve) => ends.push(resolve));
  };
  return { round, started: () => started, endAll: () => ends.splice(0).forEach((end) => end()) };
}

describe('PeriodicRound', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives a caller asking during a round that round, and a new one after it ends', async () => {
    const held = heldRounds();
    const rounds = new PeriodicRound(held.round, 60_000);
    const first = rounds.run();
    const second = rounds.run();
    expect(second).toBe(first);
    expect(held.started()).toBe(1);
    held.endAll();
    await first;
    void rounds.run();
    expect(held.started()).toBe(2);
    held.endAll();
  });

  it('runs on its timer, at once only when told, and never beside a round still under way', async () => {
    vi.useFakeTimers();
    const held = heldRounds();
    const later = new PeriodicRound(held.round, 1_000);
    later.start({ runNow: false });
    expect(held.started()).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(held.started()).toBe(1);
    // The round is still under way at the next two ticks: no second one starts.
    await vi.advanceTimersByTimeAsync(2_000);
    expect(held.started()).toBe(1);
    held.endAll();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(held.started()).toBe(2);
    held.endAll();
    await later.stop();

    const now = new PeriodicRound(held.round, 1_000);
    now.start({ runNow: true });
    expect(held.started()).toBe(3);
    // Starting again changes nothing.
    now.start({ runNow: true });
    expect(held.started()).toBe(3);
    held.endAll();
    await now.stop();
  });

  it('stops its timer and waits for the round under way', async () => {
    vi.useFakeTimers();
    const held = heldRounds();
    const rounds = new PeriodicRound(held.round, 1_000);
    rounds.start({ runNow: true });
    let stopped = false;
    const stopping = rounds.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    held.endAll();
    await stopping;
    expect(stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(held.started()).toBe(1);
  });
});
