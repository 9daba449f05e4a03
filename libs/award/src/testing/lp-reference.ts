import * as highsModule from 'highs';
import type { Highs } from 'highs';
import type { AwardInput, AwardResult } from '../award.types.js';
import { FILL_WEIGHT } from '../optimal-allocation.js';

/**
 * Reference optimum of a batch's allocation LP (the split rules left out), computed by HiGHS,
 * an independent solver, to check the engine's own flow solver (tests) and to measure every
 * allocation strategy against the best possible (bench). Test and bench support only: HiGHS
 * loads asynchronously (WebAssembly), which is why the engine does not use it.
 *
 * Solved lexicographically as the engine defines it: stage 1 maximises coverage
 * C = Σ_lines awarded/demanded; stage 2 maximises the score S = Σ_offers awarded·total/demanded
 * with C held at its optimum (less a 1e-10 relative tolerance). `objective` = 1e6·C + S, the
 * formula of `AwardResult.objective`.
 */

type HighsLoader = () => Promise<Highs>;

/**
 * The loader, whichever way the module system hands it over: highs ships an ES build whose
 * default export is the loader, and CommonJS typings that TypeScript reads as a namespace.
 */
function highsLoader(): HighsLoader {
  let candidate: unknown = highsModule;
  for (let depth = 0; depth < 3 && typeof candidate !== 'function'; depth++) {
    candidate = (candidate as { default?: unknown } | null)?.default;
  }
  if (typeof candidate !== 'function') throw new Error('highs: loader not found');
  return candidate as unknown as HighsLoader;
}

let highsPromise: Promise<Highs> | null = null;

/** Loads HiGHS once per process. */
export function getHighs(): Promise<Highs> {
  highsPromise ??= highsLoader()();
  return highsPromise;
}

/** The LP of one batch: valid offers as variables, lots and lines as rows. */
export interface LpInstance {
  lineDemand: number[];
  lotAvailable: number[];
  arcLine: number[];
  arcLot: number[];
  arcCap: number[];
  arcTotal: number[];
}

export interface LpOptimum {
  status: string;
  coverage: number;
  score: number;
  objective: number;
  /** The stage-2 solution, per arc of the instance. */
  x: Float64Array;
}

/** Builds the LP instance from a batch and the engine's evaluations of it (validity and totals). */
export function lpInstanceOf(input: AwardInput, result: AwardResult): LpInstance {
  const lineIndex = new Map(input.lines.map((l, i) => [l.id, i]));
  const lotIndex = new Map(input.lots.map((l, i) => [l.id, i]));
  const offerById = new Map(input.offers.map((o) => [o.id, o]));
  const instance: LpInstance = {
    lineDemand: input.lines.map((l) => l.quantityMilli),
    lotAvailable: input.lots.map((l) => l.availableMilli),
    arcLine: [],
    arcLot: [],
    arcCap: [],
    arcTotal: [],
  };
  for (const e of result.evaluations) {
    if (!e.valid) continue;
    const offer = offerById.get(e.offerId)!;
    instance.arcLine.push(lineIndex.get(offer.lineId)!);
    instance.arcLot.push(lotIndex.get(offer.stockLotId)!);
    instance.arcCap.push(offer.quantityMilli);
    instance.arcTotal.push(e.total);
  }
  return instance;
}

/** Coverage and score of a solution `x` of the instance, summed in a fixed order. */
export function lpValue(instance: LpInstance, x: ArrayLike<number>): { coverage: number; score: number } {
  let coverage = 0;
  let score = 0;
  for (let a = 0; a < instance.arcLine.length; a++) {
    const q = instance.lineDemand[instance.arcLine[a]];
    coverage += x[a] / q;
    score += (x[a] / q) * instance.arcTotal[a];
  }
  return { coverage, score };
}

export async function solveLpReference(instance: LpInstance): Promise<LpOptimum> {
  const highs = await getHighs();
  const n = instance.arcLine.length;
  const nLots = instance.lotAvailable.length;
  const nLines = instance.lineDemand.length;
  if (n === 0) return { status: 'Optimal', coverage: 0, score: 0, objective: 0, x: new Float64Array(0) };

  // Coefficients scaled by the largest demand so they are ≥ 1 (HiGHS tolerances are absolute);
  // quantities in kilograms (base units) rather than thousandths, for the same reason.
  const qMax = Math.max(...instance.lineDemand) / 1000;
  const coverageCoef = instance.arcLine.map((l) => qMax / (instance.lineDemand[l] / 1000));
  const scoreCoef = instance.arcLine.map((l, a) => coverageCoef[a] * instance.arcTotal[a]);

  // Rows: lots, lines, then (stage 2) the coverage floor. CSC matrix, one column per arc.
  const numRows = nLots + nLines + 1;
  const starts = new Int32Array(n + 1);
  const indices = new Int32Array(3 * n);
  const values = new Float64Array(3 * n);
  for (let a = 0; a < n; a++) {
    starts[a] = 3 * a;
    indices[3 * a] = instance.arcLot[a];
    values[3 * a] = 1;
    indices[3 * a + 1] = nLots + instance.arcLine[a];
    values[3 * a + 1] = 1;
    indices[3 * a + 2] = nLots + nLines;
    values[3 * a + 2] = coverageCoef[a];
  }
  starts[n] = 3 * n;
  const rowLower = new Float64Array(numRows).fill(-highs.infinity);
  const rowUpper = Float64Array.from([
    ...instance.lotAvailable.map((v) => v / 1000),
    ...instance.lineDemand.map((v) => v / 1000),
    highs.infinity,
  ]);

  const model = highs.createModel({
    numCols: n,
    numRows,
    sense: highs.constants.objectiveSense.maximize,
    colCost: coverageCoef,
    colLower: new Float64Array(n),
    colUpper: instance.arcCap.map((c) => c / 1000),
    rowLower,
    rowUpper,
    matrix: { format: 'csc', numRows, numCols: n, starts, indices, values },
  });
  try {
    model.options.set({
      output_flag: false,
      primal_feasibility_tolerance: 1e-9,
      dual_feasibility_tolerance: 1e-9,
    });
    model.run();
    const status1 = model.getModelStatus();
    if (status1 !== highs.constants.modelStatus.optimal) {
      return { status: `stage 1: ${status1}`, coverage: NaN, score: NaN, objective: NaN, x: new Float64Array(n) };
    }
    const c1 = model.getObjectiveValue();
    model.changeRowBounds(nLots + nLines, c1 - 1e-10 * Math.max(1, Math.abs(c1)), highs.infinity);
    model.changeColsCost({ kind: 'range', from: 0, to: n - 1 }, scoreCoef);
    model.run();
    const status2 = model.getModelStatus();
    if (status2 !== highs.constants.modelStatus.optimal) {
      return { status: `stage 2: ${status2}`, coverage: NaN, score: NaN, objective: NaN, x: new Float64Array(n) };
    }
    const s2 = model.getObjectiveValue();
    const x = Float64Array.from(model.getSolution().colValue, (v: number) => v * 1000);
    // The optimal values, from the solver's objectives (unscaled back to the engine's units).
    const coverage = c1 / qMax;
    const score = s2 / qMax;
    return { status: 'Optimal', coverage, score, objective: FILL_WEIGHT * coverage + score, x };
  } finally {
    model.dispose();
  }
}
