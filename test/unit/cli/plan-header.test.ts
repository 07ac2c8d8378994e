import { describe, expect, it } from 'vitest';
import { readSummary } from '../../../src/cli/plan-header.js';

describe('readSummary', () => {
  it('says what the planning shell read, in the words of DESIGN §9', () => {
    expect(readSummary({ calls: 7, users: 56, profiles: 5, portals: 2, ms: 123.4, links: false })).toBe(
      'Read 56 users, 5 profiles, 2 portals in 7 calls (0.12 s).',
    );
  });

  it('agrees in number and separates thousands', () => {
    expect(readSummary({ calls: 1, users: 1, profiles: 1, portals: 1, ms: 5, links: true })).toBe('Read 1 user, 1 profile, 1 portal in 1 call (0.01 s).');
    expect(readSummary({ calls: 2_003, users: 100_000, profiles: 0, portals: 0, ms: 61_000, links: false })).toBe(
      'Read 100,000 users, 0 profiles, 0 portals in 2,003 calls (61.00 s).',
    );
  });
});
