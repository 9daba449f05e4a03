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
      return {
        status: `stage 1: ${status1}`,
        coverage: NaN,
        score: NaN,
        objective: NaN,
        x: new Float64Array(n),
      };
    }
    const c1 = model.getObjectiveValue();
    model.changeRowBounds(nLots + nLines, c1 - 1e-10 * Math.max(1, Math.abs(c1)), highs.infinity);
    model.changeColsCost({ kind: 'range', from: 0, to: n - 1 }, scoreCoef);
    model.run();
    const status2 = model.getModelStatus();
    if (status2 !== highs.constants.modelStatus.optimal) {
      return {
        status: `stage 2: ${status2}`,
        coverage: NaN,
        score: NaN,
        objective: NaN,
        x: new Float64Array(n),
      };
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

export interface MipOptimum {
  status: string;
  /** Best allocation found (1e6·C + S); an optimum when status is 'Optimal'. */
  objective: number;
  /** Proven upper bound on the objective (the MIP's dual bound). */
  bound: number;
  /** Award per arc of the instance (thousandths), rounded. */
  x: Float64Array;
}

/**
 * The real problem with the split rules, as a MIP (small instances only): per arc an award
 * flag y (x ≤ offered·y) and a "small" flag s (x ≥ min·(y − s)); per line Σ y ≤ cap, and a
 * "complete" flag c with Σ x ≥ Q·c and Σ s ≤ c (one small award, only on a complete line).
 * Maximises 1e6·C + S as one weighted objective.
 */
export async function solveMipReference(
  instance: LpInstance,
  lineMinimum: number[],
  maxSuppliersPerLine: number,
  timeLimitSeconds = 60,
): Promise<MipOptimum> {
  const highs = await getHighs();
  const n = instance.arcLine.length;
  const nLots = instance.lotAvailable.length;
  const nLines = instance.lineDemand.length;
  if (n === 0) return { status: 'Optimal', objective: 0, bound: 0, x: new Float64Array(0) };
  const kg = (milli: number) => milli / 1000;
  // Columns: x (n), y (n), s (n), c (nLines).
  const numCols = 3 * n + nLines;
  const colCost = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols);
  const integrality = new Int32Array(numCols);
  const qMax = Math.max(...instance.lineDemand) / 1000;
  for (let a = 0; a < n; a++) {
    const q = kg(instance.lineDemand[instance.arcLine[a]]);
    colCost[a] = (qMax / q) * (1 + 1e-6 * instance.arcTotal[a]);
    colUpper[a] = kg(instance.arcCap[a]);
    colUpper[n + a] = 1;
    colUpper[2 * n + a] = 1;
    integrality[n + a] = 1;
    integrality[2 * n + a] = 1;
  }
  for (let l = 0; l < nLines; l++) {
    colUpper[3 * n + l] = 1;
    integrality[3 * n + l] = 1;
  }
  // Rows as CSR.
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const row = (entries: [number, number][], lo: number, hi: number) => {
    for (const [col, v] of entries.sort((p, q) => p[0] - q[0])) {
      indices.push(col);
      values.push(v);
    }
    starts.push(indices.length);
    rowLower.push(lo);
    rowUpper.push(hi);
  };
  const arcsOfLot: number[][] = Array.from({ length: nLots }, () => []);
  const arcsOfLine: number[][] = Array.from({ length: nLines }, () => []);
  for (let a = 0; a < n; a++) {
    arcsOfLot[instance.arcLot[a]].push(a);
    arcsOfLine[instance.arcLine[a]].push(a);
  }
  const inf = highs.infinity;
  for (let k = 0; k < nLots; k++)
    if (arcsOfLot[k].length)
      row(
        arcsOfLot[k].map((a) => [a, 1]),
        -inf,
        kg(instance.lotAvailable[k]),
      );
  for (let l = 0; l < nLines; l++) {
    const arcs = arcsOfLine[l];
    if (arcs.length === 0) continue;
    const q = kg(instance.lineDemand[l]);
    row(
      arcs.map((a) => [a, 1]),
      -inf,
      q,
    );
    row(
      arcs.map((a) => [n + a, 1]),
      -inf,
      maxSuppliersPerLine,
    );
    // Σ x − Q·c ≥ 0 ; Σ s − c ≤ 0
    row([...arcs.map((a) => [a, 1] as [number, number]), [3 * n + l, -q]], 0, inf);
    row([...arcs.map((a) => [2 * n + a, 1] as [number, number]), [3 * n + l, -1]], -inf, 0);
    const minimum = kg(lineMinimum[l]);
    for (const a of arcs) {
      row(
        [
          [a, 1],
          [n + a, -kg(instance.arcCap[a])],
        ],
        -inf,
        0,
      ); // x ≤ cap·y
      if (minimum > 0)
        row(
          [
            [a, 1],
            [n + a, -minimum],
            [2 * n + a, minimum],
          ],
          0,
          inf,
        ); // x ≥ min(y − s)
      else row([[2 * n + a, 1]], -inf, 0);
    }
  }
  const numRows = rowLower.length;
  const model = highs.createModel({
    numCols,
    numRows,
    sense: highs.constants.objectiveSense.maximize,
    colCost,
    colLower: new Float64Array(numCols),
    colUpper,
    rowLower,
    rowUpper,
    matrix: { format: 'csr', numRows, numCols, starts, indices, values },
    integrality: integrality as unknown as Int32Array,
  });
  try {
    model.options.set({ output_flag: false, time_limit: timeLimitSeconds, mip_rel_gap: 1e-7 });
    model.run();
    const status = model.getModelStatus();
    const name =
      Object.entries(highs.constants.modelStatus).find(([, v]) => v === status)?.[0] ?? String(status);
    const scale = (v: number) => (v / qMax) * 1e6;
    const bound = Number(model.info.get('mip_dual_bound'));
    const values = model.getSolution().colValue;
    return {
      status: name === 'optimal' ? 'Optimal' : name,
      objective: scale(model.getObjectiveValue()),
      bound: scale(bound),
      x: Float64Array.from({ length: n }, (_, a) => Math.round(values[a] * 1000)),
    };
  } finally {
    model.dispose();
  }
}
