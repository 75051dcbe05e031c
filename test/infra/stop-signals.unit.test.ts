import { EventEmitter } from 'node:events';
import { catchStopSignals } from '../../src/infra/stop-signals';

describe('catchStopSignals', () => {
  const setup = () => {
    const target = new EventEmitter();
    const signals = catchStopSignals(target as unknown as NodeJS.Process);
    const heard: string[] = [];
    return { target, signals, heard };
  };

  it('When a signal comes while the process is starting, then the stop runs once it is installed, with that signal', () => {
    const { target, signals, heard } = setup();
    target.emit('SIGTERM');
    target.emit('SIGINT');
    expect(heard).toEqual([]);
    signals.handleWith((signal) => heard.push(signal));
    expect(heard).toEqual(['SIGTERM']);
  });

  it('When signals come after the stop is installed, then each reaches it (the stop itself ignores repeats)', () => {
    const { target, signals, heard } = setup();
    signals.handleWith((signal) => heard.push(signal));
    expect(heard).toEqual([]);
    target.emit('SIGINT');
    target.emit('SIGTERM');
    expect(heard).toEqual(['SIGINT', 'SIGTERM']);
  });

  it('When it is set up, then both SIGINT and SIGTERM have a listener from that moment (so neither kills the process)', () => {
    const { target } = setup();
    expect(target.listenerCount('SIGINT')).toBe(1);
    expect(target.listenerCount('SIGTERM')).toBe(1);
  });
});
