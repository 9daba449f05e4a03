/** CPU time of local processes read from /proc (Linux), to say where a phase's CPU went. */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports utime and stime in clock ticks of 1/100 s (USER_HZ). */
export const CLOCK_TICKS = 100;

/** utime + stime of a process, in ticks (0 when it is gone or /proc is not there). */
export function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Every local postgres process (backends and helpers): their CPU is Postgres'. */
export function postgresTicks(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        total += processTicks(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}
