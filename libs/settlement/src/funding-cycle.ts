import { addDays } from '../../core/src/time.js';

/** Kitchens are funded in advance for 10 days of ingredients (BGN's 10-day proposal). */
export const FUNDING_CYCLE_DAYS = 10;

/** The last day of the funding cycle that starts on `cycleStart` (both inclusive). */
export function fundingCycleEnd(cycleStart: string): string {
  return addDays(cycleStart, FUNDING_CYCLE_DAYS - 1);
}
