import { formatDuration, formatNumber } from './format';

/**
 * A progress bar on stderr, so stdout stays the command's answer. Drawn in place on a terminal
 * (at most ten times a second); with `--progress` on anything else, one line a second, so a log
 * file shows how a long replay went. Rate is the average since the start, ETA follows from it.
 */
export interface Progress {
  /** The amount of work, when it becomes known or changes. */
  setTotal(total: number): void;
  /** Work done so far (absolute). */
  update(done: number): void;
  /** Work done so far, relative. */
  advance(by?: number): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

export interface ProgressOptions {
  label: string;
  total?: number;
  /** What is being counted, for the rate: `events`, `tenants`. */
  unit?: string;
  write(text: string): void;
  /** Redraw in place (a terminal) or print lines (a file or pipe). */
  tty: boolean;
  now?: () => number;
  width?: number;
}

export const silentProgress: Progress = { setTotal: () => undefined, update: () => undefined, advance: () => undefined, finish: () => undefined };

/** The bar's text for a given moment; exported for tests. */
export function renderProgress(label: string, done: number, total: number | undefined, elapsedMs: number, unit: string, width = 24): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const rateText = `${formatNumber(Math.round(rate))} ${unit}/s`;
  if (total === undefined || total <= 0) return `${label}  ${formatNumber(done)} ${unit}  ${rateText}  ${formatDuration(elapsedMs)}`;
  const ratio = Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const left = Math.max(0, total - done);
  const eta = left === 0 ? '0:00' : rate > 0 ? formatDuration((left / rate) * 1000) : '–';
  const percent = `${String(Math.floor(ratio * 100)).padStart(3)}%`;
  return `${label}  ${bar} ${percent}  ${formatNumber(done)}/${formatNumber(total)}  ${rateText}  ETA ${eta}`;
}

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const started = now();
  const every = options.tty ? 100 : 1000;
  const unit = options.unit ?? 'items';
  let total = options.total;
  let done = 0;
  // A terminal shows the bar at once; a log file gets its first line after a second of work.
  let drawn = options.tty ? -Infinity : started;
  let finished = false;

  const draw = (force: boolean) => {
    const at = now();
    if (!force && at - drawn < every) return;
    drawn = at;
    const text = renderProgress(options.label, done, total, at - started, unit, options.width);
    options.write(options.tty ? `\r\x1b[K${text}` : `${text}\n`);
  };

  return {
    setTotal(value) {
      total = value;
    },
    update(value) {
      done = value;
      draw(false);
    },
    advance(by = 1) {
      done += by;
      draw(false);
    },
    finish() {
      if (finished) return;
      finished = true;
      draw(true);
      if (options.tty) options.write('\n');
    },
  };
}
