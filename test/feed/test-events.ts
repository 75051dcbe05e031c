import { z } from 'zod';
import { publicEvents } from '../../src/audit/public-events';

/** The feed's machinery tests append made-up types: a catalogue that exposes them, data as appended. */
export const testFeedEvents = publicEvents(
  ['FeedTested', 'FeedAlpha', 'FeedBeta', 'FeedGamma', 'FeedIgnored'].map((type) => ({ type, schemaVersion: 1, description: `${type} (tests)`, data: z.looseObject({}) })),
);
