import type {
  Allocation,
  AwardOptions,
  EngineLine,
  EngineLot,
  MarketRules,
  SolverReport,
} from './award.types.js';
import { solveLexMaxFlow, type FlowProblem, type FlowState, type WorkBudget } from './flow-solver.js';
import { searchComponent } from './branch-and-bound.js';
import { byProcessingOrder, type AllocationDecision } from './greedy-allocation.js';
import { improveLocally } from './local-search.js';
import { compareIds, type RankedOffer } from './scoring.js';

/**
 * Optimal allocation (engine version optimal-5: the repair, local search and branch and bound,
 * with the batch's unspent search work shared by the components still open).
 *
 * The batch decomposes into components: lots of one commodity and the lines they are offered
 * to, linked by valid offers (a lot holds one commodity, so components never mix commodities).
 * For each component:
 *
 * 1. Solve the LP relaxation (every rule but the split rules) exactly with `solveLexMaxFlow`:
 *    maximise coverage Σ awarded/demanded first, then the quantity-weighted score
 *    Σ awarded · total / demanded. Its value is `lpBound`: no allocation can beat it.
 * 2. If that optimum keeps the split rules (at most `maxSuppliersPerLine` awards per line; every
 *    award at least the commodity's `minAwardMilli`, except one award on a line that ends up
 *    completely covered), it is optimal for the real problem: path `exact`.
 * 3. Otherwise repair (path `repaired`), twice, keeping the better result: on each offending
 *    line exclude the awards that break a rule (beyond the cap, the smallest awards; below the
 *    minimum, the small ones, keeping the largest if the line is complete) and re-solve from the
 *    previous state; one of the two repairs first raises small awards to the minimum where that
 *    is cheaper (`mergeFragments`). Up to `maxRepairRounds` rounds, then what still offends is
 *    trimmed. A top-up pass (greedy v1 continued) gives stock still free to lines that can take
 *    it within the rules. The result is then compared with two simple feasible allocations of
 *    the component, greedy v1 and the whole-line-to-the-cheapest rule (topped up), and the best
 *    is kept: the engine is never worse than either. A deterministic local search then improves
 *    the kept allocation with what is left of the work budget (see local-search.ts), never
 *    making it worse, and a last top-up gives away stock still free.
 * 4. If the component's work budget runs out, the best of greedy v1 and the whole-line rule is
 *    used instead: path `greedy-fallback`.
 * 5. Where coverage is still below the LP bound's, the branch and bound (optimal-4,
 *    branch-and-bound.ts) searches the component, at most `branchAndBoundWork` units. Then
 *    (optimal-5) the work those searches left unspent over the batch (components proven early,
 *    or with nothing to search) is shared by the components still open, for a second round
 *    that starts from the first's allocation and only accepts better: never worse than optimal-4.
 *
 * The split rules make the real problem a MIP; see the MIP gap table of `npm run bench` and
 * libs/award/README.md for how far each step is from HiGHS's MIP optimum.
 */

export const DEFAULT_AWARD_OPTIONS: Readonly<Required<AwardOptions>> = Object.freeze({
  workBudgetPerComponent: 4_000_000,
  timeBudgetMsPerComponent: null,
  maxRepairRounds: 6,
  repairResolve: 'incremental',
  localSearch: true,
  branchAndBound: true,
  branchAndBoundWork: 150_000,
  sharedSearchWork: true,
});

/** Weight of filling demand in the objective; the score part of a line is at most 1. */
export const FILL_WEIGHT = 1e6;

export interface OptimalAllocation {
  allocations: Allocation[];
  /** One decision for every ranked (valid) offer, by offer id. */
  decisions: Map<string, AllocationDecision>;
  report: SolverReport;
}

type ComponentStatus = 'exact' | 'repaired' | 'fallback';

const NO_BAN = 0;
const BAN_CAP = 1;
const BAN_MIN = 2;

export function allocateOptimal(
  lines: readonly EngineLine[],
  rankedByLine: ReadonlyMap<string, readonly RankedOffer[]>,
  lots: readonly EngineLot[],
  rules: MarketRules,
  options: AwardOptions = {},
): OptimalAllocation {
  const opts = { ...DEFAULT_AWARD_OPTIONS, ...options };
  const cap = rules.maxSuppliersPerLine;

  // ---- Global indexing: lines in processing order, lots by id, arcs by line then rank. ----
  const sortedLines = [...lines].sort(byProcessingOrder);
  const L = sortedLines.length;
  const sortedLots = [...lots].sort((a, b) => compareIds(a.id, b.id));
  const lotIndex = new Map(sortedLots.map((lot, i) => [lot.id, i]));
  const K = sortedLots.length;

  const arcOffer: RankedOffer[] = [];
  const lineArcStart = new Int32Array(L + 1);
  for (let l = 0; l < L; l++) {
    for (const r of rankedByLine.get(sortedLines[l].id) ?? []) {
      if (lotIndex.has(r.offer.stockLotId)) arcOffer.push(r);
    }
    lineArcStart[l + 1] = arcOffer.length;
  }
  const A = arcOffer.length;
  const arcLine = new Int32Array(A);
  const arcLot = new Int32Array(A);
  for (let l = 0; l < L; l++) {
    for (let a = lineArcStart[l]; a < lineArcStart[l + 1]; a++) {
      arcLine[a] = l;
      arcLot[a] = lotIndex.get(arcOffer[a].offer.stockLotId)!;
    }
  }
  const demand = sortedLines.map((l) => l.quantityMilli);
  const minimumOf = sortedLines.map((l) => rules.minAwardMilli[l.commodityCode] ?? 0);

  // ---- Components: union-find over lots (0..K-1) and lines (K..K+L-1). ----
  const parent = new Int32Array(K + L).map((_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (let a = 0; a < A; a++) {
    const x = find(arcLot[a]);
    const y = find(K + arcLine[a]);
    if (x !== y) parent[Math.max(x, y)] = Math.min(x, y);
  }
  const componentOfRoot = new Map<number, number>();
  const componentLines: number[][] = [];
  for (let l = 0; l < L; l++) {
    if (lineArcStart[l] === lineArcStart[l + 1]) continue; // no valid offer: nothing to decide
    const root = find(K + l);
    let c = componentOfRoot.get(root);
    if (c === undefined) {
      c = componentLines.length;
      componentOfRoot.set(root, c);
      componentLines.push([]);
    }
    componentLines[c].push(l);
  }

  const finalFlow = new Float64Array(A);
  const lpFlow = new Float64Array(A);
  const decisions = new Map<string, AllocationDecision>();
  const report: SolverReport = {
    components: componentLines.length,
    exactComponents: 0,
    repairedComponents: 0,
    fallbackComponents: 0,
    repairRounds: 0,
    simpleAllocationWins: 0,
    localSearchMoves: 0,
    branchAndBoundNodes: 0,
    branchAndBoundWins: 0,
    provenOptimalComponents: 0,
    lpBound: null,
    work: 0,
  };
  let lpComplete = true;

  const finished: Finished[] = [];
  let pool = 0;
  /** Searches a component from its allocation (see branch-and-bound.ts); true when proven optimal. */
  const search = (c: Finished, limit: number, round: 1 | 2): boolean => {
    const { view, budget, final, banReason } = c;
    const left = budget.left;
    const searched = searchComponent(
      {
        flow: view.problem,
        lineStart: view.lineStart,
        lineMinimum: view.lineMinimum,
        arcTotal: view.arcTotal,
        cap: view.cap,
      },
      final.flow,
      budget,
      limit,
      (x) => roundToRules(view, x),
      round,
    );
    c.searchWork += left - budget.left;
    report.branchAndBoundNodes += searched.nodes;
    if (searched.flow) {
      const before = Float64Array.from(final.flow);
      final.flow.set(searched.flow);
      topUp(view, final.flow);
      c.won = true;
      if (final.kind === 'flow') {
        for (let a = 0; a < view.n; a++) if (final.flow[a] !== before[a]) banReason[a] = NO_BAN;
      }
    }
    return searched.proven;
  };
  for (const compLines of componentLines) {
    const view = componentView(compLines, lineArcStart, arcLot, arcOffer, sortedLots, demand, minimumOf, cap);
    const budget: WorkBudget = {
      left: opts.workBudgetPerComponent,
      deadline:
        opts.timeBudgetMsPerComponent === null ? null : performance.now() + opts.timeBudgetMsPerComponent,
    };
    let status: ComponentStatus = 'exact';
    let rounds = 0;
    const lp = solveLexMaxFlow(view.problem, new Uint8Array(view.n), budget);
    let repaired: Repair | null = null;
    if (lp) {
      view.arcs.forEach((a, i) => (lpFlow[a] = lp.flow[i]));
      const probe = Float64Array.from(lp.flow);
      const scratch = () => new Uint8Array(view.n);
      if (enforceSplitRules(view, probe, 'trim', scratch(), scratch(), new Float64Array(view.n)) > 0) {
        status = 'repaired';
        // Two repairs, with and without first raising small awards to the minimum; the better
        // one (after top-up) is kept. Neither dominates on every instance.
        for (const merge of [true, false]) {
          const r = repair(view, lp, merge, budget, opts);
          if (!r) {
            repaired = null;
            break;
          }
          rounds += r.rounds;
          topUp(view, r.flow);
          if (!repaired || componentValue(view, r.flow) > componentValue(view, repaired.flow)) repaired = r;
        }
      } else {
        repaired = {
          flow: lp.flow,
          rounds: 0,
          banReason: new Uint8Array(view.n),
          banProposed: new Float64Array(view.n),
        };
      }
    } else {
      lpComplete = false;
    }
    report.repairRounds += rounds;
    if (!repaired) status = 'fallback';
    const flow = repaired?.flow ?? null;
    const banReason = repaired?.banReason ?? new Uint8Array(view.n);
    const banProposed = repaired?.banProposed ?? new Float64Array(view.n);

    // Outside the exact path, keep the best of: the repaired flow (topped up), greedy v1, and
    // the whole-line-to-the-cheapest rule (topped up). So the result is never worse than either
    // simple rule, and always keeps every rule.
    let chosen: { flow: Float64Array; kind: 'flow' | 'greedy' | 'whole-line' } | null = flow
      ? { flow, kind: 'flow' }
      : null;
    if (status !== 'exact') {
      // Greedy v1 on the component is the top-up run from an empty allocation.
      const greedyFlow = new Float64Array(view.n);
      topUp(view, greedyFlow);
      const wholeLine = cheapestWholeLine(view);
      topUp(view, wholeLine);
      const candidates = [
        ...(chosen ? [chosen] : []),
        { flow: greedyFlow, kind: 'greedy' as const },
        { flow: wholeLine, kind: 'whole-line' as const },
      ];
      let best = candidates[0];
      let bestValue = componentValue(view, best.flow);
      for (const c of candidates.slice(1)) {
        const value = componentValue(view, c.flow);
        if (value > bestValue) {
          best = c;
          bestValue = value;
        }
      }
      if (chosen && best !== chosen) report.simpleAllocationWins++;
      chosen = best;
    }
    const final = chosen!;
    if (status !== 'exact' && opts.localSearch && budget.left > 0) {
      // Where the split rules bound, the repair is a little off the MIP optimum: improve it
      // (never worse, every rule kept), then give stock still free to lines that can take it.
      const before = Float64Array.from(final.flow);
      const searched = improveLocally(localSearchProblem(view), final.flow, budget);
      topUp(view, final.flow);
      report.localSearchMoves += searched.moves;
      if (final.kind === 'flow' && final.flow.some((x, a) => x !== before[a])) {
        // Offers the repair excluded may now be awarded, or unawarded for another reason.
        for (let a = 0; a < view.n; a++) if (final.flow[a] !== before[a]) banReason[a] = NO_BAN;
      }
    }
    // Coverage equal to the LP bound's is optimal: nothing for the search to find.
    const coverageOpen = lp !== null && coverageOf(view, lp.flow) > coverageOf(view, final.flow) + 1e-9;
    const done: Finished = {
      view,
      budget,
      final,
      status,
      banReason,
      banProposed,
      searchWork: 0,
      open: false,
      won: false,
    };
    finished.push(done);
    if (status !== 'exact' && !coverageOpen) report.provenOptimalComponents++;
    // Every component's search allowance; what it does not spend (nothing where the LP optimum
    // keeps the rules or coverage is already the bound's) goes to the pool for the second round.
    if (opts.branchAndBound) pool += opts.branchAndBoundWork;
    if (status === 'exact' || !opts.branchAndBound) continue;
    if (budget.left > 0 && coverageOpen) {
      // The repair and the local search change a line or two at a time; where many small lines
      // share a few lots the optimum needs a coordinated change: search it exactly (bounded).
      const proven = search(done, opts.branchAndBoundWork, 1);
      if (proven) report.provenOptimalComponents++;
      else done.open = budget.left > 0;
    }
  }

  // Second round: the allowance the first round did not spend (components exact, proven early,
  // or with nothing to search) goes to the components still open, shared evenly in component
  // order (what one leaves goes on to the next). The batch's search work stays within its
  // components' allowances, each component within its own budget, and the same input gives the
  // same output.
  pool = Math.max(0, pool - finished.reduce((s, c) => s + c.searchWork, 0));
  const open = opts.sharedSearchWork ? finished.filter((c) => c.open) : [];
  for (let i = 0; i < open.length; i++) {
    const share = Math.floor(pool / (open.length - i));
    if (share < MIN_SECOND_ROUND_WORK) continue;
    const before = open[i].searchWork;
    if (search(open[i], share, 2)) report.provenOptimalComponents++;
    pool -= open[i].searchWork - before;
  }

  for (const c of finished) {
    const { view, budget, final, status, banReason, banProposed } = c;
    report.work += opts.workBudgetPerComponent - budget.left;
    if (c.won) report.branchAndBoundWins++;
    view.arcs.forEach((a, i) => (finalFlow[a] = final.flow[i]));
    if (final.kind !== 'flow') banReason.fill(NO_BAN);
    decideComponent(view, final.flow, status === 'exact', banReason, banProposed, decisions);
    if (status === 'exact') report.exactComponents++;
    else if (status === 'repaired') report.repairedComponents++;
    else report.fallbackComponents++;
  }

  const allocations: Allocation[] = [];
  for (let a = 0; a < A; a++) {
    if (finalFlow[a] <= 0) continue;
    const { offer } = arcOffer[a];
    allocations.push({
      offerId: offer.id,
      lineId: offer.lineId,
      stockLotId: offer.stockLotId,
      cooperativeId: offer.cooperativeId,
      quantityMilli: finalFlow[a],
      unitPrice: offer.unitPrice,
    });
  }

  if (lpComplete) {
    report.lpBound = objectiveOfFlows(
      sortedLines,
      lineArcStart,
      (a) => lpFlow[a],
      (a) => arcOffer[a].total,
    );
  }
  return { allocations, decisions, report };
}

/** A component solved (first round), kept for the second round of the search and the decisions. */
interface Finished {
  view: ComponentView;
  budget: WorkBudget;
  final: { flow: Float64Array; kind: 'flow' | 'greedy' | 'whole-line' };
  status: ComponentStatus;
  banReason: Uint8Array;
  banProposed: Float64Array;
  /** Work the search spent on this component, both rounds. */
  searchWork: number;
  /** Coverage below the LP bound's, not proven optimal, budget left: a second round may help. */
  open: boolean;
  won: boolean;
}

/** A second-round share smaller than this is not worth a search (a few node solves). */
const MIN_SECOND_ROUND_WORK = 20_000;

interface Repair {
  flow: Float64Array;
  rounds: number;
  banReason: Uint8Array;
  banProposed: Float64Array;
}

/**
 * Makes an LP optimum keep the split rules: exclude the offending awards and re-solve (from the
 * previous state, or from scratch with `repairResolve: 'full'`), up to `maxRepairRounds` times,
 * then trim what still offends. With `merge`, small awards are first raised to the minimum where
 * that is cheaper (see mergeFragments). Null when the budget ran out.
 */
function repair(
  view: ComponentView,
  lp: FlowState,
  merge: boolean,
  budget: WorkBudget,
  opts: Required<AwardOptions>,
): Repair | null {
  const banned = new Uint8Array(view.n);
  const banReason = new Uint8Array(view.n);
  const banProposed = new Float64Array(view.n);
  let state: FlowState | null = { ...lp, flow: Float64Array.from(lp.flow) };
  let rounds = 0;
  for (;;) {
    if (rounds >= opts.maxRepairRounds) {
      enforceSplitRules(view, state.flow, 'trim', banned, banReason, banProposed);
      break;
    }
    if (merge) mergeFragments(view, state.flow);
    if (enforceSplitRules(view, state.flow, 'ban', banned, banReason, banProposed) === 0) break;
    rounds++;
    state = solveLexMaxFlow(view.problem, banned, budget, opts.repairResolve === 'full' ? null : state);
    if (!state) return null;
  }
  return { flow: state.flow, rounds, banReason, banProposed };
}

/** One component with local indices: lines in processing order, arcs by line then rank. */
interface ComponentView {
  /** Global line indices, processing order. */
  lines: number[];
  /** Global lot indices. */
  lots: number[];
  /** Global arc indices (by line, then rank). */
  arcs: number[];
  n: number;
  lineStart: Int32Array;
  problem: FlowProblem;
  arcTotal: Float64Array;
  arcPrice: bigint[];
  arcSubmittedAt: Float64Array;
  arcOfferId: string[];
  lineMinimum: Float64Array;
  cap: number;
  /** Arcs of each local lot: lotArcs[lotStart[k]..lotStart[k+1]). */
  lotStart: Int32Array;
  lotArcs: Int32Array;
}

function componentView(
  compLines: number[],
  lineArcStart: Int32Array,
  arcLot: Int32Array,
  arcOffer: readonly RankedOffer[],
  sortedLots: readonly EngineLot[],
  demand: readonly number[],
  minimumOf: readonly number[],
  cap: number,
): ComponentView {
  const arcs: number[] = [];
  const lineStart = new Int32Array(compLines.length + 1);
  compLines.forEach((l, i) => {
    for (let a = lineArcStart[l]; a < lineArcStart[l + 1]; a++) arcs.push(a);
    lineStart[i + 1] = arcs.length;
  });
  const lotLocal = new Map<number, number>();
  const lots: number[] = [];
  for (const a of arcs) {
    if (!lotLocal.has(arcLot[a])) {
      lotLocal.set(arcLot[a], lots.length);
      lots.push(arcLot[a]);
    }
  }
  const arcLine = new Int32Array(arcs.length);
  compLines.forEach((_, i) => arcLine.fill(i, lineStart[i], lineStart[i + 1]));
  const lineCap = Float64Array.from(compLines, (l) => demand[l]);
  const offers = arcs.map((a) => arcOffer[a]);
  const localLot = Int32Array.from(arcs, (a) => lotLocal.get(arcLot[a])!);
  const lotStart = new Int32Array(lots.length + 1);
  for (const k of localLot) lotStart[k + 1]++;
  for (let k = 0; k < lots.length; k++) lotStart[k + 1] += lotStart[k];
  const lotArcs = new Int32Array(arcs.length);
  const fill = lotStart.slice(0, lots.length);
  localLot.forEach((k, a) => (lotArcs[fill[k]++] = a));
  return {
    lotStart,
    lotArcs,
    lines: compLines,
    lots,
    arcs,
    n: arcs.length,
    lineStart,
    problem: {
      lotCap: Float64Array.from(lots, (k) => sortedLots[k].availableMilli),
      lineCap,
      arcLot: localLot,
      arcLine,
      arcCap: Float64Array.from(offers, (r) => r.offer.quantityMilli),
      arcValue: Float64Array.from(offers, (r, i) => r.total / lineCap[arcLine[i]]),
      arcRank: Int32Array.from(offers, (r) => r.rank),
    },
    arcTotal: Float64Array.from(offers, (r) => r.total),
    arcPrice: offers.map((r) => r.offer.unitPrice),
    arcSubmittedAt: Float64Array.from(offers, (r) => r.offer.submittedAt),
    arcOfferId: offers.map((r) => r.offer.id),
    lineMinimum: Float64Array.from(compLines, (l) => minimumOf[l]),
    cap,
  };
}

/**
 * Finds the awards that break a split rule on each line. 'ban' excludes them from the next
 * solve (recording why and how much the solve had proposed); 'trim' sets them to 0 in `flow`,
 * repeating on a line until it keeps the rules. Returns how many awards were excluded or trimmed.
 *
 * Beyond the cap, the smallest awards go (the better rank stays between equals). Below the
 * minimum, the small awards go, except the largest one on a line that is completely covered.
 */
function enforceSplitRules(
  view: ComponentView,
  flow: Float64Array,
  mode: 'ban' | 'trim',
  banned: Uint8Array,
  banReason: Uint8Array,
  banProposed: Float64Array,
): number {
  const { lineStart, problem, lineMinimum, cap } = view;
  const byAwardDesc = (x: number, y: number) => flow[y] - flow[x] || problem.arcRank[x] - problem.arcRank[y];
  let changed = 0;
  for (let i = 0; i < view.lines.length; i++) {
    const minimum = lineMinimum[i];
    for (;;) {
      const awarded: number[] = [];
      let sum = 0;
      for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
        if (flow[a] > 0) {
          awarded.push(a);
          sum += flow[a];
        }
      }
      let offenders: number[] = [];
      let reason = NO_BAN;
      if (awarded.length > cap) {
        offenders = awarded.sort(byAwardDesc).slice(cap);
        reason = BAN_CAP;
      } else if (minimum > 0) {
        const small = awarded.filter((a) => flow[a] < minimum).sort(byAwardDesc);
        const allowed = sum === problem.lineCap[i] ? 1 : 0;
        if (small.length > allowed) {
          offenders = small.slice(allowed);
          reason = BAN_MIN;
        }
      }
      if (offenders.length === 0) break;
      for (const a of offenders) {
        banReason[a] = reason;
        banProposed[a] = flow[a];
        if (mode === 'ban') banned[a] = 1;
        else flow[a] = 0;
      }
      changed += offenders.length;
      if (mode === 'ban') break;
    }
  }
  return changed;
}

/**
 * Before excluding an award below the minimum, try to make it big enough instead: an LP optimum
 * often ends a lot with a small remainder on some line, or covers a line with several small
 * pieces. The award is raised to the minimum with stock of its own lot (left over, or moved from
 * that lot's award to another line, which stays at or above its own minimum and has no small
 * award that would lose its "completes the line" excuse); if its line lacks room, the line's
 * largest award (staying at or above the minimum) gives way. Done only when that costs less
 * coverage than dropping the award. Keeps every other rule; changes `flow`.
 */
function mergeFragments(view: ComponentView, flow: Float64Array): number {
  const { lineStart, problem, lineMinimum, lotStart, lotArcs } = view;
  const L = view.lines.length;
  const fill = new Float64Array(L);
  const smallAwards = new Int32Array(L);
  for (let i = 0; i < L; i++) {
    for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
      fill[i] += flow[a];
      if (flow[a] > 0 && flow[a] < lineMinimum[i]) smallAwards[i]++;
    }
  }
  const lotLeft = lotLeftOf(view, flow);
  let merged = 0;
  for (let i = 0; i < L; i++) {
    const minimum = lineMinimum[i];
    const q = problem.lineCap[i];
    for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
      const x = flow[a];
      if (x <= 0 || x >= minimum) continue;
      if (fill[i] === q && smallAwards[i] === 1) continue; // allowed: it completes the line
      const delta = minimum - x;
      if (problem.arcCap[a] < minimum) continue;
      // Room on the line, made by the line's largest other award if needed.
      const shrink = Math.max(0, delta - (q - fill[i]));
      let big = -1;
      if (shrink > 0) {
        for (let b = lineStart[i]; b < lineStart[i + 1]; b++) {
          if (b !== a && flow[b] - shrink >= minimum && (big < 0 || flow[b] > flow[big])) big = b;
        }
        if (big < 0) continue;
      }
      // Stock from the award's own lot: left over first, then from its award to another line.
      const k = problem.arcLot[a];
      const free = Math.min(lotLeft[k], delta);
      const needed = delta - free;
      let donor = -1;
      if (needed > 0) {
        for (let j = lotStart[k]; j < lotStart[k + 1]; j++) {
          const b = lotArcs[j];
          const line = problem.arcLine[b];
          if (b === a || line === i || flow[b] - needed < lineMinimum[line]) continue;
          if (fill[line] === problem.lineCap[line] && smallAwards[line] > 0) continue;
          if (donor < 0 || problem.lineCap[line] > problem.lineCap[problem.arcLine[donor]]) donor = b;
        }
        if (donor < 0) continue;
      }
      // Coverage: the line gains delta − shrink, the donor's line loses `needed`; dropping the
      // award instead loses x.
      const donorLoss = donor < 0 ? 0 : needed / problem.lineCap[problem.arcLine[donor]];
      if ((delta - shrink + x) / q <= donorLoss) continue;
      if (donor >= 0) {
        flow[donor] -= needed;
        fill[problem.arcLine[donor]] -= needed;
      }
      if (big >= 0) {
        flow[big] -= shrink;
        lotLeft[problem.arcLot[big]] += shrink;
      }
      lotLeft[k] -= free;
      flow[a] = minimum;
      fill[i] += delta - shrink;
      smallAwards[i]--;
      merged++;
    }
  }
  return merged;
}

/**
 * A flow within the lots and offers made to keep the split rules: small awards raised to the
 * minimum where cheaper, what still offends trimmed, free stock topped up; with and without the
 * raising, the better of the two. Changes `flow` (returns it or the other copy).
 */
function roundToRules(view: ComponentView, flow: Float64Array): Float64Array {
  const other = Float64Array.from(flow);
  const none = new Uint8Array(view.n);
  const scratch = new Float64Array(view.n);
  mergeFragments(view, flow);
  enforceSplitRules(view, flow, 'trim', none, new Uint8Array(view.n), scratch);
  topUp(view, flow);
  enforceSplitRules(view, other, 'trim', none, new Uint8Array(view.n), scratch);
  topUp(view, other);
  return componentValue(view, other) > componentValue(view, flow) ? other : flow;
}

function localSearchProblem(view: ComponentView) {
  const { problem } = view;
  return {
    lineStart: view.lineStart,
    lineCap: problem.lineCap,
    lineMinimum: view.lineMinimum,
    lotCap: problem.lotCap,
    arcLot: problem.arcLot,
    arcLine: problem.arcLine,
    arcCap: problem.arcCap,
    arcTotal: view.arcTotal,
    arcRank: problem.arcRank,
    lotStart: view.lotStart,
    lotArcs: view.lotArcs,
    cap: view.cap,
  };
}

/** Stock left in each local lot under `flow`. */
function lotLeftOf(view: ComponentView, flow: Float64Array): Float64Array {
  const left = Float64Array.from(view.problem.lotCap);
  for (let a = 0; a < view.n; a++) left[view.problem.arcLot[a]] -= flow[a];
  return left;
}

/**
 * Greedy v1 continued from `flow` (which must keep the rules): lines in posting order, offers by
 * rank, each given what it can still take without breaking a rule. Only adds.
 */
function topUp(view: ComponentView, flow: Float64Array): void {
  const { lineStart, problem, lineMinimum, cap } = view;
  const lotLeft = lotLeftOf(view, flow);
  for (let i = 0; i < view.lines.length; i++) {
    let need = problem.lineCap[i];
    let suppliers = 0;
    for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
      need -= flow[a];
      if (flow[a] > 0) suppliers++;
    }
    for (let a = lineStart[i]; a < lineStart[i + 1] && need > 0; a++) {
      const k = problem.arcLot[a];
      const add = Math.min(need, problem.arcCap[a] - flow[a], lotLeft[k]);
      if (add <= 0) continue;
      if (flow[a] === 0) {
        if (suppliers >= cap) continue;
        if (add < lineMinimum[i] && add < need) continue;
        suppliers++;
      }
      flow[a] += add;
      lotLeft[k] -= add;
      need -= add;
    }
  }
}

/**
 * The common rule, as a candidate: lines in posting order, each given whole to the cheapest
 * valid offer that can cover it from its lot's remaining stock (then the earlier offer, then id).
 */
function cheapestWholeLine(view: ComponentView): Float64Array {
  const { lineStart, problem } = view;
  const flow = new Float64Array(view.n);
  const lotLeft = Float64Array.from(problem.lotCap);
  for (let i = 0; i < view.lines.length; i++) {
    const q = problem.lineCap[i];
    let best = -1;
    for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
      if (problem.arcCap[a] < q || lotLeft[problem.arcLot[a]] < q) continue;
      if (
        best < 0 ||
        view.arcPrice[a] < view.arcPrice[best] ||
        (view.arcPrice[a] === view.arcPrice[best] &&
          (view.arcSubmittedAt[a] < view.arcSubmittedAt[best] ||
            (view.arcSubmittedAt[a] === view.arcSubmittedAt[best] &&
              compareIds(view.arcOfferId[a], view.arcOfferId[best]) < 0)))
      ) {
        best = a;
      }
    }
    if (best >= 0) {
      flow[best] = q;
      lotLeft[problem.arcLot[best]] -= q;
    }
  }
  return flow;
}

/** Σ fill/Q over the component. */
function coverageOf(view: ComponentView, flow: Float64Array): number {
  let coverage = 0;
  for (let i = 0; i < view.lines.length; i++) {
    let filled = 0;
    for (let a = view.lineStart[i]; a < view.lineStart[i + 1]; a++) filled += flow[a];
    coverage += filled / view.problem.lineCap[i];
  }
  return coverage;
}

/** 1e6 · Σ fill/Q + Σ x · total/Q over the component, to compare candidates. */
function componentValue(view: ComponentView, flow: Float64Array): number {
  const { lineStart, problem } = view;
  let value = 0;
  for (let i = 0; i < view.lines.length; i++) {
    let filled = 0;
    let score = 0;
    for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
      filled += flow[a];
      score += flow[a] * view.arcTotal[a];
    }
    value += (FILL_WEIGHT * filled + score) / problem.lineCap[i];
  }
  return value;
}

/** Decisions for every offer of a component allocated by `flow`, from the allocation's facts. */
function decideComponent(
  view: ComponentView,
  flow: Float64Array,
  exact: boolean,
  banReason: Uint8Array,
  banProposed: Float64Array,
  decisions: Map<string, AllocationDecision>,
): void {
  const { lineStart, problem, lineMinimum, cap } = view;
  const lotLeft = lotLeftOf(view, flow);
  // For each lot, the first line it supplies and whether it supplies several.
  const lotFirstLine = new Int32Array(view.lots.length).fill(-1);
  const lotSeveralLines = new Uint8Array(view.lots.length);
  for (let a = 0; a < view.n; a++) {
    if (flow[a] <= 0) continue;
    const k = problem.arcLot[a];
    const l = problem.arcLine[a];
    if (lotFirstLine[k] < 0) lotFirstLine[k] = l;
    else if (lotFirstLine[k] !== l) lotSeveralLines[k] = 1;
  }
  for (let i = 0; i < view.lines.length; i++) {
    let filled = 0;
    let suppliers = 0;
    let worstAwardedRank = 0;
    for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
      if (flow[a] <= 0) continue;
      filled += flow[a];
      suppliers++;
      worstAwardedRank = Math.max(worstAwardedRank, problem.arcRank[a]);
    }
    const q = problem.lineCap[i];
    const lineFull = filled === q;
    for (let a = lineStart[i]; a < lineStart[i + 1]; a++) {
      const offerId = view.arcOfferId[a];
      const k = problem.arcLot[a];
      const rank = problem.arcRank[a];
      const x = flow[a];
      if (x > 0) {
        // Said as what was left after the other awards: of the line after the better-ranked
        // ones (true when this is the worst-ranked award), else of the lot.
        const limitedBy =
          x === problem.arcCap[a]
            ? 'OFFER'
            : lineFull && rank === worstAwardedRank
              ? 'LINE_NEED'
              : lotLeft[k] === 0
                ? 'LOT_STOCK'
                : lineFull
                  ? 'LINE_NEED'
                  : 'OFFER';
        decisions.set(offerId, { kind: 'AWARDED', quantityMilli: x, limitedBy });
        continue;
      }
      const otherLine = lotSeveralLines[k] === 1 || (lotFirstLine[k] >= 0 && lotFirstLine[k] !== i);
      decisions.set(
        offerId,
        unawardedDecision({
          lineFull,
          allAwardedRankHigher: worstAwardedRank < rank,
          lotLeft: lotLeft[k],
          stockTakenBy: otherLine
            ? exact
              ? 'BETTER_LINE'
              : 'OTHER_LINE'
            : sameLotRanksHigher(view, flow, i, k, rank)
              ? 'SAME_LINE'
              : 'SAME_LINE_OTHER',
          ban: banReason[a],
          proposed: banProposed[a],
          suppliers,
          cap,
          minimum: lineMinimum[i],
          possible: Math.min(problem.arcCap[a], lotLeft[k], q - filled),
        }),
      );
    }
  }
}

function sameLotRanksHigher(
  view: ComponentView,
  flow: Float64Array,
  line: number,
  lot: number,
  rank: number,
) {
  for (let b = view.lineStart[line]; b < view.lineStart[line + 1]; b++) {
    if (view.problem.arcLot[b] === lot && flow[b] > 0 && view.problem.arcRank[b] > rank) return false;
  }
  return true;
}

interface UnawardedFacts {
  lineFull: boolean;
  allAwardedRankHigher: boolean;
  lotLeft: number;
  stockTakenBy: Extract<AllocationDecision, { kind: 'STOCK_ALREADY_AWARDED' }>['takenBy'];
  ban: number;
  proposed: number;
  suppliers: number;
  cap: number;
  minimum: number;
  possible: number;
}

/**
 * Why a valid offer got nothing, stated as a fact of the final allocation (checked in this
 * order, the first that holds wins):
 * 1. the line is full and every award on it ranks above this offer → LINE_FILLED (higher-ranked);
 * 2. its lot has nothing left → STOCK_ALREADY_AWARDED (to other lines, or on this line);
 * 3. the repair excluded it because its award would have been below the minimum → BELOW_MIN_AWARD;
 * 4. the line has all the suppliers it may have → SUPPLIER_CAP;
 * 5. the line is full → LINE_FILLED (by other offers);
 * 6. otherwise what it could still get is below the minimum and would not complete the line
 *    (the top-up pass would have awarded it otherwise) → BELOW_MIN_AWARD.
 */
function unawardedDecision(f: UnawardedFacts): AllocationDecision {
  if (f.lineFull && f.allAwardedRankHigher) return { kind: 'LINE_FILLED', by: 'HIGHER_RANKED' };
  if (f.lotLeft === 0) return { kind: 'STOCK_ALREADY_AWARDED', takenBy: f.stockTakenBy };
  if (f.ban === BAN_MIN) {
    return { kind: 'BELOW_MIN_AWARD', possibleMilli: f.proposed, minimumMilli: f.minimum };
  }
  if (f.suppliers >= f.cap) {
    return { kind: 'SUPPLIER_CAP', maxSuppliers: f.cap, byHigherRanked: f.allAwardedRankHigher };
  }
  if (f.lineFull) return { kind: 'LINE_FILLED', by: 'OTHER_OFFERS' };
  return { kind: 'BELOW_MIN_AWARD', possibleMilli: f.possible, minimumMilli: f.minimum };
}

/**
 * The objective (see `AwardResult.objective`) of a flow: 1e6 · Σ awarded/demanded, then
 * Σ quantity/demanded · total. Lines are summed by id and each line's arcs by rank, the order
 * `award-engine` uses for allocations, so equal allocations give bit-identical values.
 */
export function objectiveOfFlows(
  linesInArcOrder: readonly EngineLine[],
  lineArcStart: Int32Array,
  flowOf: (arc: number) => number,
  totalOf: (arc: number) => number,
): number {
  const order = linesInArcOrder
    .map((_, i) => i)
    .sort((a, b) => compareIds(linesInArcOrder[a].id, linesInArcOrder[b].id));
  let value = 0;
  for (const l of order) {
    let filled = 0;
    for (let a = lineArcStart[l]; a < lineArcStart[l + 1]; a++) filled += flowOf(a);
    value += (FILL_WEIGHT * filled) / linesInArcOrder[l].quantityMilli;
  }
  for (const l of order) {
    const q = linesInArcOrder[l].quantityMilli;
    for (let a = lineArcStart[l]; a < lineArcStart[l + 1]; a++) {
      const x = flowOf(a);
      if (x > 0) value += (x / q) * totalOf(a);
    }
  }
  return value;
}
