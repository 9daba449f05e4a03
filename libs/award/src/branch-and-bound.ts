import { solveLexMaxFlow, type FlowProblem, type WorkBudget } from './flow-solver.js';

/**
 * Exact branch and bound for one component where the split rules bind (engine optimal-4; the
 * second round of optimal-5, see `searchComponent`).
 *
 * Why: the repair and the local search fix the LP optimum line by line, and where several small
 * lines share a few lots (sugar lines of 15 kg with a 5 kg minimum, rice lines sharing lots) the
 * best allocation needs a coordinated change over many lines at once: the repair loses a whole
 * line's coverage there (measured: up to 0.56% of the objective against HiGHS's MIP optimum).
 *
 * How: every node is the component's LP (min-cost flow, `solveLexMaxFlow`) with some offers
 * decided. An offer is either free, excluded, awarded at least the minimum (the minimum is
 * fixed in advance: taken from its lot and its line, the flow decides the rest), or "the one
 * small award of its line" (awarded 1 to minimum − 1, and its line must then be completely
 * covered: such lines are served first and the node is infeasible if one stays short). A line
 * whose decided awards reach the cap has its free offers excluded. The node's flow is the
 * lexicographic optimum (coverage, then score) of that relaxation, so it bounds every allocation
 * below the node; if it keeps the split rules it is the best allocation below the node.
 * Otherwise the first line that breaks a rule is branched on its smallest free award: excluded,
 * at least the minimum, or its line's small award. Nodes are explored best bound first, from the
 * incumbent the engine already has (so the result is never worse), and pruned when their bound
 * cannot strictly beat the incumbent. It stops when no node is left (proven optimal) or when
 * its share of the component's work budget is spent: counted work, never the clock, so the
 * result is the same on every machine.
 */

export interface BranchAndBoundProblem {
  flow: FlowProblem;
  lineStart: Int32Array;
  lineMinimum: Float64Array;
  arcTotal: Float64Array;
  cap: number;
}

export interface BranchAndBoundResult {
  /** The best allocation found: better than the incumbent given, or null when none was. */
  flow: Float64Array | null;
  nodes: number;
  /** True when every node was explored or pruned: the allocation returned (or the incumbent) is optimal. */
  proven: boolean;
}

const FILL_WEIGHT = 1e6;
const FREE = 0;
const BANNED = 1;
/** Awarded at least the line's minimum. */
const AT_LEAST_MIN = 2;
/** The line's one award below the minimum (1 ≤ x ≤ minimum − 1); the line must be complete. */
const SMALL = 3;
/** Awarded something (lines without a minimum). */
const POSITIVE = 4;

/** Smallest coverage gain searched for (a thousandth of a kilogram on a 400 kg line is 2.5e-9). */
const COVERAGE_EPS = 1e-9;

interface Node {
  state: Uint8Array;
  /** Null for a node not solved yet: its coverage and score are its parent's (a valid bound). */
  flow: Float64Array | null;
  coverage: number;
  score: number;
  feasible: boolean;
  id: number;
}

/**
 * Whether (c1, s1) beats (c0, s0) by enough to search for. Coverage only: the score part of the
 * objective is at most 1 per line in a million, and chasing it would spend the budget on nodes
 * that cannot change coverage; the score is still maximised within each node by the flow.
 */
function lexBetter(c1: number, _s1: number, c0: number, _s0: number): boolean {
  return c1 > c0 + COVERAGE_EPS;
}

/** How a tree search runs (the first round's: all defaults). */
export interface SearchHow {
  /** Decisions already taken at the root (default: none). */
  rootState?: Uint8Array;
  /** Solve a node's children only until one keeps its bound. */
  lazy?: boolean;
  /** Tighter relaxation: at most one award below the minimum per line counts. */
  strong?: boolean;
  /** Lines that must be completely covered (a neighbourhood: only allocations where they are). */
  complete?: Uint8Array;
}

export function branchAndBound(
  p: BranchAndBoundProblem,
  incumbent: Float64Array,
  budget: WorkBudget,
  workLimit: number,
  /** Makes an allocation within the lots and offers keep the split rules too (a heuristic). */
  roundToRules?: (flow: Float64Array) => Float64Array,
  how: SearchHow = {},
): BranchAndBoundResult {
  const { rootState, lazy = false, strong = false, complete } = how;
  const f = p.flow;
  const n = f.arcLot.length;
  const L = f.lineCap.length;
  const K = f.lotCap.length;
  const { lineStart, lineMinimum, cap } = p;
  // The sub-budget: the search's own limit, within what the component has left.
  const own: WorkBudget = { left: Math.min(workLimit, budget.left), deadline: budget.deadline };
  const startLeft = own.left;

  const valueOf = (x: Float64Array): [number, number] => {
    let coverage = 0;
    let score = 0;
    for (let i = 0; i < L; i++) {
      let filled = 0;
      let s = 0;
      for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
        filled += x[a];
        s += x[a] * p.arcTotal[a];
      }
      coverage += filled / f.lineCap[i];
      score += s / f.lineCap[i];
    }
    return [coverage, score];
  };
  let [bestCoverage, bestScore] = valueOf(incumbent);
  let best: Float64Array | null = null;
  /** A new incumbent must cover more and not lower the objective (1e6 · coverage + score). */
  const accepts = (coverage: number, score: number) =>
    lexBetter(coverage, score, bestCoverage, bestScore) &&
    FILL_WEIGHT * coverage + score > FILL_WEIGHT * bestCoverage + bestScore;

  // Scratch for building a node's problem.
  const lotCap = new Float64Array(K);
  const lineCap = new Float64Array(L);
  const arcCap = new Float64Array(n);
  const lineKey = new Float64Array(L);
  const banned = new Uint8Array(n);
  const fixed = new Float64Array(n);
  const mustComplete = new Uint8Array(L);
  const hasSmall = new Uint8Array(L);
  const problem: FlowProblem = { ...f, lotCap, lineCap, arcCap, lineKey };

  let nextId = 0;
  let exhausted = false;

  const most = new Float64Array(n);
  const freeMost: number[] = [];
  /**
   * Valid tightenings of a node's relaxation from the split rules (none cuts off an allocation
   * that keeps them). An award is at most its offer and what its lot has left (plus its own fixed
   * part). A line takes from at most `cap` offers, so it can be filled at most by its decided
   * awards and its largest free ones: its capacity is cut to that. An offer that can give less
   * than the minimum can only be its line's one small award, on a complete line: excluded when
   * the line cannot be completed. False when the node is infeasible.
   */
  const tighten = (state: Uint8Array): boolean => {
    for (let i = 0; i < L; i++) {
      const minimum = lineMinimum[i];
      const q = f.lineCap[i];
      for (let pass = 0; pass < 2; pass++) {
        let decidedMost = 0;
        let decided = 0;
        freeMost.length = 0;
        for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
          if (banned[a]) continue;
          most[a] = Math.min(arcCap[a], lotCap[f.arcLot[a]]) + fixed[a];
          if (state[a] === FREE) freeMost.push(most[a]);
          else {
            decidedMost += most[a];
            decided++;
          }
        }
        freeMost.sort((x, y) => y - x);
        let reach = decidedMost;
        if (strong && minimum > 0) {
          // At most one award below the minimum per line, none besides a decided small one: of
          // the offers that cannot reach the minimum, one at most counts.
          let tinyAllowed = !hasSmall[i];
          for (let j = 0, taken = 0; taken < cap - decided && j < freeMost.length; j++) {
            if (freeMost[j] < minimum) {
              if (!tinyAllowed) break;
              tinyAllowed = false;
            }
            reach += freeMost[j];
            taken++;
          }
        } else {
          for (let j = 0; j < cap - decided && j < freeMost.length; j++) reach += freeMost[j];
        }
        const canComplete = reach >= q;
        if (mustComplete[i] && !canComplete) return false;
        // Offers that cannot reach the minimum are out when the line cannot be completed, or (the
        // strong bound) when it has its small award already: one of them would be a second.
        if (pass === 0 && minimum > 0 && (!canComplete || (strong && hasSmall[i]))) {
          let changed = false;
          for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
            if (!banned[a] && state[a] === FREE && most[a] < minimum) {
              banned[a] = 1;
              changed = true;
            }
          }
          if (changed) continue;
        }
        let fixedSum = 0;
        for (let a = lineStart[i]; a < lineStart[i + 1]; a++) fixedSum += fixed[a];
        lineCap[i] = Math.min(lineCap[i], reach - fixedSum);
        break;
      }
    }
    return true;
  };

  /** Solves the relaxation of a node; null if infeasible (or the budget ran out: see `exhausted`). */
  const solve = (state: Uint8Array): Node | null => {
    lotCap.set(f.lotCap);
    lineCap.set(f.lineCap);
    mustComplete.fill(0);
    hasSmall.fill(0);
    for (let i = 0; i < L; i++) {
      if (complete?.[i]) mustComplete[i] = 1;
      let decided = 0;
      for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
        const s = state[a];
        const minimum = lineMinimum[i];
        banned[a] = s === BANNED ? 1 : 0;
        let lower = 0;
        let upper = f.arcCap[a];
        if (s === AT_LEAST_MIN) lower = minimum;
        else if (s === SMALL) {
          lower = 1;
          upper = Math.min(upper, minimum - 1);
          mustComplete[i] = 1;
          hasSmall[i] = 1;
        } else if (s === POSITIVE) lower = 1;
        if (s !== FREE && s !== BANNED) decided++;
        if (upper < lower) return null;
        fixed[a] = lower;
        arcCap[a] = upper - lower;
        lotCap[f.arcLot[a]] -= lower;
        lineCap[i] -= lower;
      }
      if (decided > cap) return null;
      if (decided === cap) {
        for (let a = lineStart[i]; a < lineStart[i + 1]; a++) if (state[a] === FREE) banned[a] = 1;
      }
      if (lineCap[i] < 0) return null;
      lineKey[i] = mustComplete[i] ? -1 : f.lineCap[i];
    }
    for (let k = 0; k < K; k++) if (lotCap[k] < 0) return null;
    if (!tighten(state)) return null;
    const solved = solveLexMaxFlow(problem, banned, own);
    if (!solved) {
      exhausted = true;
      return null;
    }
    const x = solved.flow;
    for (let a = 0; a < n; a++) x[a] += fixed[a];
    let feasible = true;
    for (let i = 0; i < L; i++) {
      let filled = 0;
      let awarded = 0;
      let small = 0;
      for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
        if (x[a] <= 0) continue;
        filled += x[a];
        awarded++;
        if (x[a] < lineMinimum[i]) small++;
      }
      const complete = filled === f.lineCap[i];
      if (mustComplete[i] && !complete) return null;
      if (awarded > cap || small > (complete ? 1 : 0)) feasible = false;
    }
    const [coverage, score] = valueOf(x);
    return { state: Uint8Array.from(state), flow: x, coverage, score, feasible, id: nextId++ };
  };

  /** The free award to branch on: on the first line breaking a rule, its smallest free award. */
  const branchArc = (node: Node): number => {
    const x = node.flow!;
    for (let i = 0; i < L; i++) {
      let filled = 0;
      let awarded = 0;
      let small = 0;
      for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
        if (x[a] <= 0) continue;
        filled += x[a];
        awarded++;
        if (x[a] < lineMinimum[i]) small++;
      }
      const complete = filled === f.lineCap[i];
      const capBroken = awarded > cap;
      if (!capBroken && small <= (complete ? 1 : 0)) continue;
      let pick = -1;
      for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
        if (x[a] <= 0 || node.state[a] !== FREE) continue;
        if (!capBroken && x[a] >= lineMinimum[i]) continue;
        if (pick < 0 || x[a] < x[pick] || (x[a] === x[pick] && f.arcRank[a] > f.arcRank[pick])) pick = a;
      }
      if (pick >= 0) return pick;
    }
    return -1;
  };

  // Best bound first: a binary heap on (coverage, score) descending, then creation order.
  const heap: Node[] = [];
  const above = (x: Node, y: Node) =>
    x.coverage > y.coverage ||
    (x.coverage === y.coverage && (x.score > y.score || (x.score === y.score && x.id < y.id)));
  const push = (node: Node) => {
    heap.push(node);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!above(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  };
  const pop = (): Node => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        const r = l + 1;
        const c = r < heap.length && above(heap[r], heap[l]) ? r : l;
        if (!above(heap[c], heap[i])) break;
        [heap[c], heap[i]] = [heap[i], heap[c]];
        i = c;
      }
    }
    return top;
  };

  /** Keeps a solved child: a better feasible one becomes the incumbent; returns it if open. */
  const consider = (node: Node | null): Node | null => {
    if (!node || !lexBetter(node.coverage, node.score, bestCoverage, bestScore)) return null;
    if (!node.feasible && roundToRules) {
      // The node's flow made to keep the rules (cheap, no solve): often a better incumbent.
      const rounded = roundToRules(Float64Array.from(node.flow!));
      const [coverage, score] = valueOf(rounded);
      own.left -= n;
      if (accepts(coverage, score)) {
        best = rounded;
        bestCoverage = coverage;
        bestScore = score;
      }
      if (!lexBetter(node.coverage, node.score, bestCoverage, bestScore)) return null;
    }
    if (node.feasible) {
      if (!accepts(node.coverage, node.score)) return null;
      best = node.flow;
      bestCoverage = node.coverage;
      bestScore = node.score;
      return null;
    }
    return node;
  };

  /**
   * The children of a node, best first to solve: where the branched award stays as it is in the
   * node's flow (its line complete: the line's small award; at least half the minimum: raised to
   * it; else excluded). Once a child keeps its parent's bound no sibling can do better, so the
   * others are kept unsolved (bounded by the parent) and solved only if the search comes back.
   */
  const childrenOf = (node: Node): Node[] => {
    const a = branchArc(node);
    if (a < 0) return []; // cannot happen: an infeasible node always has a free award to branch on
    const line = f.arcLine[a];
    const minimum = lineMinimum[line];
    const x = node.flow![a];
    let smallDecided = false;
    let filled = 0;
    for (let b = lineStart[line]; b < lineStart[line + 1]; b++) {
      if (node.state[b] === SMALL) smallDecided = true;
      filled += node.flow![b];
    }
    let kinds = minimum > 0 ? [AT_LEAST_MIN, BANNED, ...(smallDecided ? [] : [SMALL])] : [POSITIVE, BANNED];
    if (lazy && minimum > 0) {
      const first =
        !smallDecided && x < minimum && filled === f.lineCap[line]
          ? SMALL
          : x >= minimum / 2
            ? AT_LEAST_MIN
            : BANNED;
      kinds = [first, ...kinds.filter((k) => k !== first)];
    }
    const open: Node[] = [];
    let kept = false;
    for (const kind of kinds) {
      const state = Uint8Array.from(node.state);
      state[a] = kind;
      if (kept) {
        open.push({
          state,
          flow: null,
          coverage: node.coverage,
          score: node.score,
          feasible: false,
          id: nextId++,
        });
        continue;
      }
      const child = consider(solve(state));
      if (exhausted) break;
      if (!child) continue;
      open.push(child);
      if (lazy && child.coverage >= node.coverage - COVERAGE_EPS) kept = true;
    }
    return open;
  };

  // Best bound first; from each node taken, a dive follows its best child down to a leaf (a
  // feasible allocation or a dead end), so good incumbents come early and prune the rest.
  let nodes = 0;
  const root = consider(solve(rootState ?? new Uint8Array(n)));
  if (root) push(root);
  while (heap.length > 0 && !exhausted) {
    let node: Node | null = pop();
    if (!node.flow) {
      // Solved only now that the search came back to it.
      if (!lexBetter(node.coverage, node.score, bestCoverage, bestScore)) continue;
      node = consider(solve(node.state));
      if (exhausted || !node) continue;
      if (heap.length > 0 && above(heap[0], node)) {
        push(node);
        continue;
      }
    }
    while (node && !exhausted) {
      nodes++;
      if (!lexBetter(node.coverage, node.score, bestCoverage, bestScore)) break;
      const open = childrenOf(node);
      let next: Node | null = null;
      for (const child of open) {
        if (child.flow && (!next || above(child, next))) next = child;
      }
      for (const child of open) if (child !== next) push(child);
      node = next;
    }
    if (node && exhausted) push(node);
  }
  budget.left -= startLeft - own.left;
  return { flow: best, nodes, proven: !exhausted && heap.length === 0 };
}

/** Share of the search's work spent on neighbourhoods before the tree search of the whole component. */
const NEIGHBOURHOOD_SHARE = 0.5;
/** Work for one neighbourhood's tree search. */
const NEIGHBOURHOOD_WORK = 20_000;
const NEIGHBOURHOOD_PASSES = 2;
/** Work for the tree search of a neighbourhood where one line must be complete (second round). */
const COMPLETE_WORK = 150_000;

/**
 * The search of one component: first neighbourhoods, each an exact tree search on a few lines
 * (their offers free; every other line keeps which offers it has, awarded at least the minimum
 * or as its small award, while the flow may still move quantities on every line), around each
 * line not completely covered; then the tree search of the whole component from the best
 * allocation found.
 *
 * Round 1 (optimal-4): the line alone, and with each line that takes stock from a lot it is
 * offered. Round 2 (optimal-5, the work other searches of the batch left unspent): the line with
 * two such lines, one a rival of the line or of the other rival (the line takes the first's
 * stock, which takes the second's): where optimal-4 stopped, the gain is typically such a chain;
 * then, for each line not complete, the whole component with that line required complete. Round
 * 2's trees solve a node's children only until one keeps its parent's bound, and count at most
 * one offer that cannot reach the minimum per line (a tighter bound; see `SearchHow`).
 */
export function searchComponent(
  p: BranchAndBoundProblem,
  incumbent: Float64Array,
  budget: WorkBudget,
  workLimit: number,
  roundToRules?: (flow: Float64Array) => Float64Array,
  round: 1 | 2 = 1,
): BranchAndBoundResult {
  const f = p.flow;
  const n = f.arcLot.length;
  const L = f.lineCap.length;
  const { lineStart, lineMinimum } = p;
  const own: WorkBudget = { left: Math.min(workLimit, budget.left), deadline: budget.deadline };
  const start = own.left;
  const share = Math.floor(own.left * NEIGHBOURHOOD_SHARE);
  const local: WorkBudget = { left: share, deadline: budget.deadline };
  const how: SearchHow = round === 1 ? {} : { lazy: true, strong: true };
  let current = incumbent;
  let improved = false;
  let nodes = 0;

  const structure = (free: readonly number[]): Uint8Array => {
    const state = new Uint8Array(n);
    for (let i = 0; i < L; i++) {
      for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
        const x = current[a];
        state[a] =
          x <= 0 ? BANNED : lineMinimum[i] <= 0 ? POSITIVE : x >= lineMinimum[i] ? AT_LEAST_MIN : SMALL;
      }
    }
    for (const i of free) state.fill(FREE, lineStart[i], lineStart[i + 1]);
    return state;
  };
  /** Lines other than i taking stock from a lot line i is offered, in line order. */
  const rivalsOf = (i: number): number[] => {
    const lots = new Set<number>();
    for (let a = lineStart[i]; a < lineStart[i + 1]; a++) lots.add(f.arcLot[a]);
    const rivals: number[] = [];
    for (let j = 0; j < L; j++) {
      if (j === i) continue;
      for (let b = lineStart[j]; b < lineStart[j + 1]; b++) {
        if (current[b] > 0 && lots.has(f.arcLot[b])) {
          rivals.push(j);
          break;
        }
      }
    }
    return rivals;
  };
  const neighbourhoodsOf = (i: number): number[][] => {
    const rivals = rivalsOf(i);
    if (round === 1) return [[i], ...rivals.map((j) => [i, j])];
    const chains: number[][] = [];
    const first = new Set(rivals);
    for (const j of rivals) {
      const second = new Set([...rivals, ...rivalsOf(j)]);
      second.delete(i);
      second.delete(j);
      for (const k of [...second].sort((x, y) => x - y)) {
        if (first.has(k) && k < j) continue; // {i, k, j} comes with k
        chains.push([i, j, k]);
      }
    }
    return chains;
  };

  for (let pass = 0; pass < NEIGHBOURHOOD_PASSES && local.left > 0; pass++) {
    let passImproved = false;
    for (let i = 0; i < L && local.left > 0; i++) {
      let filled = 0;
      for (let a = lineStart[i]; a < lineStart[i + 1]; a++) filled += current[a];
      if (filled >= f.lineCap[i]) continue;
      for (const free of neighbourhoodsOf(i)) {
        if (local.left <= 0) break;
        const r = branchAndBound(p, current, local, NEIGHBOURHOOD_WORK, roundToRules, {
          ...how,
          rootState: structure(free),
        });
        nodes += r.nodes;
        if (r.flow) {
          current = r.flow;
          improved = true;
          passImproved = true;
        }
      }
    }
    if (!passImproved) break;
  }
  if (round === 2) {
    // Then each line not completely covered must be, every line free: the flow serves it first
    // and the tree fixes the rules around it, however many lines that moves (blitar-2040's
    // sugar: six of eleven).
    for (let i = 0; i < L && local.left > 0; i++) {
      let filled = 0;
      for (let a = lineStart[i]; a < lineStart[i + 1]; a++) filled += current[a];
      if (filled >= f.lineCap[i]) continue;
      const forced = new Uint8Array(L);
      forced[i] = 1;
      const r = branchAndBound(p, current, local, COMPLETE_WORK, roundToRules, { ...how, complete: forced });
      nodes += r.nodes;
      if (r.flow) {
        current = r.flow;
        improved = true;
      }
    }
  }
  own.left -= share - local.left;
  const whole = branchAndBound(p, current, own, own.left, roundToRules, how);
  nodes += whole.nodes;
  budget.left -= start - own.left;
  return { flow: whole.flow ?? (improved ? current : null), nodes, proven: whole.proven };
}
