import { randomUUID } from 'node:crypto';

/** Time and identity are effects: injected, so tests and replays control them. */
export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  uuid(): string;
}

export const systemClock: Clock = { now: () => new Date() };
export const randomIds: IdGenerator = { uuid: () => randomUUID() };
