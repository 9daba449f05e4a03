import type { WorkBudget } from './flow-solver.js';

/**
 * Local search after the repair: a deterministic improvement of an allocation that already keeps
 * every rule, on one component (lots of one commodity and the lines they are offered to).
 *
 * The repaired LP optimum is near-optimal but the split rules (at most `cap` awards per line,
 * every award at least the minimum except one that completes its line) make the true problem a
 * MIP, and the repair loses a little where they bind. Two moves, each re-solving a small part
 * exactly and kept only when it strictly improves coverage-then-score:
 *
 * - one line: its awards are given back and the line is re-allocated on its own, choosing the
 *   best set of at most `cap` offers (among its best-scoring offers with stock left) and filling
 *   them by score, within the rules;
 * - two lines sharing a lot: both are given back and re-allocated one after the other, in both
 *   orders, so stock can move from one line to another.
 *
 * Every move re-allocates with stock that is free (left over, or the moved lines' own), so no
 * lot is ever promised twice, and lines not moved keep their awards. Passes repeat until nothing
 * improves or the component's work budget (a count, never the clock) runs out: the same input
 * gives the same output on any machine.
 */

/** What the local search needs to know of a component (indices local to the component). */
export interface LocalSearchProblem {
  /** Lines: arcs of line i are lineStart[i]..lineStart[i+1]-1. */
  lineStart: Int32Array;
  lineCap: Float64Array;
  lineMinimum: Float64Array;
  lotCap: Float64Array;
  arcLot: Int32Array;
  arcLine: Int32Array;
  arcCap: Float64Array;
  arcTotal: Float64Array;
  arcRank: Int32Array;
  /** Arcs of each lot: lotArcs[lotStart[k]..lotStart[k+1]). */
  lotStart: Int32Array;
  lotArcs: Int32Array;
  cap: number;
}

/** Offers per line considered by a move: the best-scoring ones that have stock left. */
const CANDIDATES_PER_LINE = 10;
const MAX_PASSES = 4;
/** Relative improvement a move must bring (values are about 1e6 per line; float noise is ~1e-10). */
const IMPROVEMENT = 1e-9;
const FILL_WEIGHT = 1e6;

export interface LocalSearchStats {
  moves: number;
  passes: number;
}

/** Improves `flow` in place; it must keep every rule on entry, and keeps them on return. */
export function improveLocally(
  p: LocalSearchProblem,
  flow: Float64Array,
  budget: WorkBudget,
): LocalSearchStats {
  const L = p.lineStart.length - 1;
  const K = p.lotCap.length;
  const lotLeft = Float64Array.from(p.lotCap);
  for (let a = 0; a < flow.length; a++) lotLeft[p.arcLot[a]] -= flow[a];
  const scratchA = new Float64Array(flow.length);
  const scratchB = new Float64Array(flow.length);
  const lotUsed = new Float64Array(K);
  const stats: LocalSearchStats = { moves: 0, passes: 0 };

  const lineValue = (i: number, f: Float64Array): number => {
    let filled = 0;
    let score = 0;
    for (let a = p.lineStart[i]; a < p.lineStart[i + 1]; a++) {
      filled += f[a];
      score += f[a] * p.arcTotal[a];
    }
    return (FILL_WEIGHT * filled + score) / p.lineCap[i];
  };
  const release = (i: number) => {
    for (let a = p.lineStart[i]; a < p.lineStart[i + 1]; a++) lotLeft[p.arcLot[a]] += flow[a];
  };
  const take = (i: number, f: Float64Array) => {
    for (let a = p.lineStart[i]; a < p.lineStart[i + 1]; a++) lotLeft[p.arcLot[a]] -= f[a];
  };
  const commit = (i: number, f: Float64Array) => {
    for (let a = p.lineStart[i]; a < p.lineStart[i + 1]; a++) flow[a] = f[a];
  };

  /**
   * Best allocation of line i alone with the stock in lotLeft, written to out[line's arcs];
   * returns its value. The empty allocation (value 0) is always a candidate.
   */
  const bestLine = (i: number, out: Float64Array): number => {
    const start = p.lineStart[i];
    const end = p.lineStart[i + 1];
    out.fill(0, start, end);
    const candidates: number[] = [];
    for (let a = start; a < end; a++) {
      if (Math.min(p.arcCap[a], lotLeft[p.arcLot[a]]) > 0) candidates.push(a);
    }
    // Filled by score, so the fill of a set is its most and its score the best for that fill.
    candidates.sort((x, y) => p.arcTotal[y] - p.arcTotal[x] || p.arcRank[x] - p.arcRank[y]);
    if (candidates.length > CANDIDATES_PER_LINE) candidates.length = CANDIDATES_PER_LINE;
    const m = candidates.length;
    const q = p.lineCap[i];
    const minimum = p.lineMinimum[i];
    const size = Math.min(p.cap, m);
    const chosen = new Int32Array(size);
    const x = new Float64Array(size);
    let bestValue = 0;
    let bestSize = 0;
    const bestX = new Float64Array(size);
    const bestArcs = new Int32Array(size);

    const evaluate = (k: number) => {
      budget.left -= k;
      let need = q;
      for (let j = 0; j < k; j++) {
        const a = chosen[j];
        const lot = p.arcLot[a];
        x[j] = Math.min(p.arcCap[a], lotLeft[lot] - lotUsed[lot], need);
        lotUsed[lot] += x[j];
        need -= x[j];
      }
      for (let j = 0; j < k; j++) lotUsed[p.arcLot[chosen[j]]] = 0;
      for (let j = 0; j < k; j++) if (x[j] <= 0) return; // a smaller set does as well
      const complete = need === 0;
      let small = 0;
      for (let j = 0; j < k; j++) if (x[j] < minimum) small++;
      if (small > (complete ? 1 : 0)) {
        // Only the last (lowest-scoring) award can be limited by the line's need; on a complete
        // line it can be raised to the minimum with quantity from the others, lowest score first.
        const last = k - 1;
        if (!complete || x[last] >= minimum) return;
        // Its lot may also supply another chosen offer of this line: only what that one leaves.
        const lastLot = p.arcLot[chosen[last]];
        let sameLot = 0;
        for (let j = 0; j < last; j++) if (p.arcLot[chosen[j]] === lastLot) sameLot += x[j];
        const room = Math.min(p.arcCap[chosen[last]], lotLeft[lastLot] - sameLot);
        if (room < minimum) return;
        let missing = minimum - x[last];
        for (let j = last - 1; j >= 0 && missing > 0; j--) {
          const give = Math.min(missing, x[j] - minimum);
          if (give > 0) {
            x[j] -= give;
            missing -= give;
          }
        }
        if (missing > 0) return;
        x[last] = minimum;
        small = 0;
        for (let j = 0; j < k; j++) if (x[j] < minimum) small++;
        if (small > 1) return;
      }
      let value = FILL_WEIGHT * (q - need);
      for (let j = 0; j < k; j++) value += x[j] * p.arcTotal[chosen[j]];
      value /= q;
      if (value > bestValue) {
        bestValue = value;
        bestSize = k;
        bestX.set(x.subarray(0, k));
        bestArcs.set(chosen.subarray(0, k));
      }
    };
    // Every set of 1..size candidates, in a fixed order.
    const pick = (depth: number, from: number) => {
      for (let c = from; c < m; c++) {
        chosen[depth] = candidates[c];
        evaluate(depth + 1);
        if (depth + 1 < size) pick(depth + 1, c + 1);
      }
    };
    pick(0, 0);
    for (let j = 0; j < bestSize; j++) out[bestArcs[j]] = bestX[j];
    return bestValue;
  };

  const better = (candidate: number, current: number) =>
    candidate > current + IMPROVEMENT * Math.max(1, current);

  for (let pass = 0; pass < MAX_PASSES && budget.left > 0; pass++) {
    stats.passes++;
    let improved = false;
    // One line at a time.
    for (let i = 0; i < L && budget.left > 0; i++) {
      const current = lineValue(i, flow);
      release(i);
      const value = bestLine(i, scratchA);
      if (better(value, current)) {
        commit(i, scratchA);
        stats.moves++;
        improved = true;
      }
      take(i, flow);
    }
    // Two lines sharing a lot, both orders.
    for (let i = 0; i < L && budget.left > 0; i++) {
      const partners = new Set<number>();
      for (let a = p.lineStart[i]; a < p.lineStart[i + 1]; a++) {
        const k = p.arcLot[a];
        for (let s = p.lotStart[k]; s < p.lotStart[k + 1]; s++) {
          const b = p.lotArcs[s];
          const j = p.arcLine[b];
          if (j > i && flow[b] > 0) partners.add(j);
        }
      }
      budget.left -= partners.size;
      for (const j of [...partners].sort((x, y) => x - y)) {
        if (budget.left <= 0) break;
        const current = lineValue(i, flow) + lineValue(j, flow);
        release(i);
        release(j);
        let bestValue = current;
        let bestOrder = -1;
        for (const [first, second] of [
          [i, j],
          [j, i],
        ]) {
          const v1 = bestLine(first, scratchA);
          take(first, scratchA);
          const v2 = bestLine(second, scratchB);
          // Undo the first line's take to try the other order with the same stock.
          for (let a = p.lineStart[first]; a < p.lineStart[first + 1]; a++)
            lotLeft[p.arcLot[a]] += scratchA[a];
          if (better(v1 + v2, bestValue)) {
            bestValue = v1 + v2;
            bestOrder = first;
          }
        }
        if (bestOrder >= 0) {
          const first = bestOrder;
          const second = first === i ? j : i;
          bestLine(first, scratchA);
          take(first, scratchA);
          bestLine(second, scratchB);
          take(second, scratchB);
          commit(first, scratchA);
          commit(second, scratchB);
          stats.moves++;
          improved = true;
        } else {
          take(i, flow);
          take(j, flow);
        }
      }
    }
    if (!improved) break;
  }
  return stats;
}
