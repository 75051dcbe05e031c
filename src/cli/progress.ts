/**
 * Progress bars on stderr, so stdout stays the command's answer. cli-progress draws them: in
 * place on a terminal, at most ten times a second; with `--progress` on anything else, one line a
 * second, so a log file shows how a long replay went. The text is ours (renderProgress): the rate
 * is the average since the start and the ETA follows from it, so the two always agree.
 */
import { SingleBar } from 'cli-progress';
import { formatDuration, formatNumber } from './format';

export interface Progress {
  /** Work done so far (absolute). */
  update(done: number): void;
  /** Work done so far, relative. */
  advance(by?: number): void;
  /** Draws the final state and ends the line; later calls do nothing. */
  finish(): void;
}

export interface ProgressOptions {
  label: string;
  /** The amount of work; unknown (or zero) shows a count instead of a bar. */
  total?: number;
  /** What is being counted, for the rate: `events`, `tenants`. */
  unit?: string;
  /** stderr: redrawn in place when it is a terminal, one line at a time otherwise. */
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

const BAR_WIDTH = 24;

export const silentProgress: Progress = { update: () => undefined, advance: () => undefined, finish: () => undefined };

/** The bar's text for a given moment. */
export function renderProgress(label: string, done: number, total: number | undefined, elapsedMs: number, unit: string, width = BAR_WIDTH): string {
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
  const tty = options.stream.isTTY === true;
  const unit = options.unit ?? 'items';
  const bar = new SingleBar({
    stream: options.stream,
    format: (_settings, params) => renderProgress(options.label, params.value, options.total, (params.stopTime ?? Date.now()) - params.startTime, unit),
    fps: 10,
    // Asked for with --progress: lines on a pipe or a file too, one a second.
    noTTYOutput: true,
    notTTYSchedule: 1000,
    // A line longer than the terminal is cut rather than wrapped (a wrapped line cannot be redrawn
    // in place), and the terminal's own line wrapping is never switched off and left so.
    linewrap: true,
    // On a terminal the final bar stays, followed by a new line; elsewhere each line already ends
    // with one, and a second would leave a blank line.
    clearOnComplete: !tty,
  });
  bar.start(options.total ?? 0, 0);
  let finished = false;
  return {
    update: (done) => bar.update(done),
    advance: (by = 1) => bar.increment(by),
    finish() {
      if (finished) return;
      finished = true;
      bar.stop();
    },
  };
}
