/** Where long jobs report progress; the CLI writes to stderr, tests collect lines. */
export interface ProgressSink {
  line(text: string): void;
}

export const silentProgress: ProgressSink = { line: () => undefined };

export const stderrProgress: ProgressSink = { line: (text) => process.stderr.write(`${text}\n`) };

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Rate-limited progress lines: records/s and, where the total is known, percent and ETA. */
export class ProgressMeter {
  private readonly started = performance.now();
  private lastReport = 0;

  constructor(
    private readonly sink: ProgressSink,
    private readonly intervalMs = 1000,
  ) {}

  update(label: string, records: number, done: number | null, total: number | null): void {
    const now = performance.now();
    if (now - this.lastReport < this.intervalMs) return;
    this.lastReport = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? records / seconds : 0;
    let text = `${label}: ${records.toLocaleString('en-US')} records, ${Math.round(rate).toLocaleString('en-US')}/s`;
    if (done !== null && total) {
      const fraction = Math.min(1, done / total);
      const eta = fraction > 0 ? (seconds / fraction) * (1 - fraction) : Number.NaN;
      text += `, ${(fraction * 100).toFixed(1)}%, ETA ${formatDuration(eta)}`;
    }
    this.sink.line(text);
  }

  elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }
}
