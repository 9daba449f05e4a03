import type {
  Allocation,
  AwardOptions,
  EngineLine,
  EngineLot,
  MarketRules,
  SolverReport,
} from './award.types.js';
import { solveLexMaxFlow, type FlowProblem, type WorkBudget } from './flow-solver.js';
import { allocateGreedy, byProcessingOrder, type AllocationDecision } from './greedy-allocation.js';
import { compareIds, type RankedOffer } from './scoring.js';

/**
 * Optimal allocation (engine version optimal-2).
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
 * 3. Otherwise repair: on each offending line exclude the awards that break a rule (beyond the
 *    cap, the smallest awards; below the minimum, the small ones, keeping the largest if the line
 *    is complete), and re-solve. Up to `maxRepairRounds` rounds, then the remaining offenders are
 *    trimmed directly. A top-up pass then gives any stock still free to the lines that can take
 *    it without breaking a rule. Path `repaired`.
 * 4. If the component's work budget runs out, it is allocated by greedy v1 instead: path
 *    `greedy-fallback`.
 */

export const DEFAULT_AWARD_OPTIONS: Readonly<Required<AwardOptions>> = Object.freeze({
  workBudgetPerComponent: 4_000_000,
  timeBudgetMsPerComponent: null,
  maxRepairRounds: 6,
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
  const banReason = new Uint8Array(A);
  const banProposed = new Float64Array(A);
  const statusOfLine = new Array<ComponentStatus | null>(L).fill(null);
  const decisions = new Map<string, AllocationDecision>();
  const report: SolverReport = {
    components: componentLines.length,
    exactComponents: 0,
    repairedComponents: 0,
    fallbackComponents: 0,
    repairRounds: 0,
    lpBound: null,
    work: 0,
  };
  let lpComplete = true;

  for (const compLines of componentLines) {
    // Local problem.
    const compArcs: number[] = [];
    for (const l of compLines) for (let a = lineArcStart[l]; a < lineArcStart[l + 1]; a++) compArcs.push(a);
    const lotLocal = new Map<number, number>();
    const compLots: number[] = [];
    for (const a of compArcs) {
      if (!lotLocal.has(arcLot[a])) {
        lotLocal.set(arcLot[a], compLots.length);
        compLots.push(arcLot[a]);
      }
    }
    const lineLocal = new Map(compLines.map((l, i) => [l, i]));
    const n = compArcs.length;
    const problem: FlowProblem = {
      lotCap: Float64Array.from(compLots, (k) => sortedLots[k].availableMilli),
      lineCap: Float64Array.from(compLines, (l) => demand[l]),
      arcLot: Int32Array.from(compArcs, (a) => lotLocal.get(arcLot[a])!),
      arcLine: Int32Array.from(compArcs, (a) => lineLocal.get(arcLine[a])!),
      arcCap: Float64Array.from(compArcs, (a) => arcOffer[a].offer.quantityMilli),
      arcValue: Float64Array.from(compArcs, (a) => arcOffer[a].total / demand[arcLine[a]]),
      arcRank: Int32Array.from(compArcs, (a) => arcOffer[a].rank),
    };
    // Local arcs of each local line are contiguous (compArcs is built line by line).
    const localLineStart = new Int32Array(compLines.length + 1);
    compLines.forEach((l, i) => (localLineStart[i + 1] = localLineStart[i] + lineArcStart[l + 1] - lineArcStart[l]));

    const budget: WorkBudget = {
      left: opts.workBudgetPerComponent,
      deadline:
        opts.timeBudgetMsPerComponent === null ? null : performance.now() + opts.timeBudgetMsPerComponent,
    };
    const banned = new Uint8Array(n);
    const localBan = new Uint8Array(n);
    const localProposed = new Float64Array(n);

    /**
     * Finds the awards that break a split rule on each line. 'ban' excludes them from the next
     * solve; 'trim' sets them to 0 in `flow` (repeating on a line until it keeps the rules).
     * Returns how many awards were excluded or trimmed.
     */
    const enforce = (flow: Float64Array, mode: 'ban' | 'trim'): number => {
      let changed = 0;
      for (let i = 0; i < compLines.length; i++) {
        const minimum = minimumOf[compLines[i]];
        const q = demand[compLines[i]];
        for (;;) {
          const awarded: number[] = [];
          let sum = 0;
          for (let a = localLineStart[i]; a < localLineStart[i + 1]; a++) {
            if (flow[a] > 0) {
              awarded.push(a);
              sum += flow[a];
            }
          }
          // Largest award first; the better rank between equals.
          const byAwardDesc = (x: number, y: number) =>
            flow[y] - flow[x] || problem.arcRank[x] - problem.arcRank[y];
          let offenders: number[] = [];
          let reason = NO_BAN;
          if (awarded.length > cap) {
            offenders = awarded.sort(byAwardDesc).slice(cap);
            reason = BAN_CAP;
          } else if (minimum > 0) {
            const small = awarded.filter((a) => flow[a] < minimum).sort(byAwardDesc);
            const allowed = sum === q ? 1 : 0;
            if (small.length > allowed) {
              offenders = small.slice(allowed);
              reason = BAN_MIN;
            }
          }
          if (offenders.length === 0) break;
          for (const a of offenders) {
            localBan[a] = reason;
            localProposed[a] = flow[a];
            if (mode === 'ban') banned[a] = 1;
            else flow[a] = 0;
          }
          changed += offenders.length;
          if (mode === 'ban') break;
        }
      }
      return changed;
    };

    let status: ComponentStatus = 'exact';
    let rounds = 0;
    const lp = solveLexMaxFlow(problem, banned, budget);
    let flow = lp.flow;
    if (flow) {
      compArcs.forEach((a, i) => (lpFlow[a] = flow![i]));
      const probe = Float64Array.from(flow);
      if (enforce(probe, 'trim') > 0) {
        status = 'repaired';
        localBan.fill(NO_BAN);
        for (;;) {
          if (rounds >= opts.maxRepairRounds) {
            enforce(flow, 'trim');
            break;
          }
          if (enforce(flow, 'ban') === 0) break;
          rounds++;
          flow = solveLexMaxFlow(problem, banned, budget).flow;
          if (!flow) break;
        }
      }
    } else {
      lpComplete = false;
    }
    report.work += opts.workBudgetPerComponent - budget.left;
    report.repairRounds += rounds;

    if (!flow) {
      status = 'fallback';
      const greedy = allocateGreedy(
        compLines.map((l) => sortedLines[l]),
        rankedByLine,
        compLots.map((k) => sortedLots[k]),
        rules,
      );
      const arcOfOffer = new Map(compArcs.map((a) => [arcOffer[a].offer.id, a]));
      for (const alloc of greedy.allocations) finalFlow[arcOfOffer.get(alloc.offerId)!] = alloc.quantityMilli;
      for (const [offerId, decision] of greedy.decisions) decisions.set(offerId, decision);
    } else {
      compArcs.forEach((a, i) => {
        finalFlow[a] = flow![i];
        banReason[a] = localBan[i];
        banProposed[a] = localProposed[i];
      });
    }
    for (const l of compLines) statusOfLine[l] = status;
    if (status === 'exact') report.exactComponents++;
    else if (status === 'repaired') report.repairedComponents++;
    else report.fallbackComponents++;
  }

  // ---- Top-up (repaired components): free stock to lines that can take it within the rules. ----
  const lotLeft = Float64Array.from(sortedLots, (lot) => lot.availableMilli);
  for (let a = 0; a < A; a++) lotLeft[arcLot[a]] -= finalFlow[a];
  for (let l = 0; l < L; l++) {
    if (statusOfLine[l] !== 'repaired') continue;
    let need = demand[l];
    let suppliers = 0;
    for (let a = lineArcStart[l]; a < lineArcStart[l + 1]; a++) {
      need -= finalFlow[a];
      if (finalFlow[a] > 0) suppliers++;
    }
    for (let a = lineArcStart[l]; a < lineArcStart[l + 1] && need > 0; a++) {
      const add = Math.min(need, arcOffer[a].offer.quantityMilli - finalFlow[a], lotLeft[arcLot[a]]);
      if (add <= 0) continue;
      if (finalFlow[a] === 0) {
        if (suppliers >= cap) continue;
        if (add < minimumOf[l] && add < need) continue;
        suppliers++;
      }
      finalFlow[a] += add;
      lotLeft[arcLot[a]] -= add;
      need -= add;
    }
  }

  // ---- Decisions for the optimised components, from the final allocation's facts. ----
  const lotLines = new Map<number, Set<number>>();
  for (let a = 0; a < A; a++) {
    if (finalFlow[a] <= 0) continue;
    const set = lotLines.get(arcLot[a]) ?? new Set<number>();
    lotLines.set(arcLot[a], set.add(arcLine[a]));
  }
  for (let l = 0; l < L; l++) {
    const status = statusOfLine[l];
    if (status === null || status === 'fallback') continue;
    let filled = 0;
    let suppliers = 0;
    let worstAwardedRank = 0;
    for (let a = lineArcStart[l]; a < lineArcStart[l + 1]; a++) {
      if (finalFlow[a] <= 0) continue;
      filled += finalFlow[a];
      suppliers++;
      worstAwardedRank = Math.max(worstAwardedRank, arcOffer[a].rank);
    }
    const lineFull = filled === demand[l];
    for (let a = lineArcStart[l]; a < lineArcStart[l + 1]; a++) {
      const { offer, rank } = arcOffer[a];
      const k = arcLot[a];
      const x = finalFlow[a];
      if (x > 0) {
        const limitedBy =
          x === offer.quantityMilli ? 'OFFER' : lineFull ? 'LINE_NEED' : lotLeft[k] === 0 ? 'LOT_STOCK' : 'OFFER';
        decisions.set(offer.id, { kind: 'AWARDED', quantityMilli: x, limitedBy });
        continue;
      }
      decisions.set(
        offer.id,
        unawardedDecision({
          lineFull,
          allAwardedRankHigher: worstAwardedRank < rank,
          lotLeft: lotLeft[k],
          lotTakers: lotLines.get(k),
          line: l,
          sameLotSameLineRankHigher: () => {
            for (let b = lineArcStart[l]; b < lineArcStart[l + 1]; b++) {
              if (arcLot[b] === k && finalFlow[b] > 0 && arcOffer[b].rank > rank) return false;
            }
            return true;
          },
          ban: banReason[a],
          proposed: banProposed[a],
          suppliers,
          cap,
          minimum: minimumOf[l],
          possible: Math.min(offer.quantityMilli, lotLeft[k], demand[l] - filled),
        }),
      );
    }
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

interface UnawardedFacts {
  lineFull: boolean;
  allAwardedRankHigher: boolean;
  lotLeft: number;
  lotTakers: Set<number> | undefined;
  line: number;
  sameLotSameLineRankHigher: () => boolean;
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
  if (f.lotLeft === 0) {
    const otherLine = f.lotTakers !== undefined && [...f.lotTakers].some((l) => l !== f.line);
    return {
      kind: 'STOCK_ALREADY_AWARDED',
      takenBy: otherLine ? 'OTHER_LINE' : f.sameLotSameLineRankHigher() ? 'SAME_LINE' : 'SAME_LINE_OTHER',
    };
  }
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
  const order = linesInArcOrder.map((_, i) => i).sort((a, b) => compareIds(linesInArcOrder[a].id, linesInArcOrder[b].id));
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
