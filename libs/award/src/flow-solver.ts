/**
 * Exact solver for the allocation LP of one component (the split rules left out):
 *
 *   maximise, lexicographically,
 *     1. coverage  C = Σ_lines f_ℓ / Q_ℓ                 (f_ℓ = Σ of the flows into line ℓ)
 *     2. score     S = Σ_arcs  x_a · total_a / Q_line(a)
 *   subject to 0 ≤ x_a ≤ offered_a, Σ_{a from lot k} x_a ≤ available_k, f_ℓ ≤ Q_ℓ.
 *
 * It is a min-cost flow on the network source → lot → (offer arc) → line → sink, solved by
 * successive shortest paths with potentials (Dijkstra on reduced costs). The coverage part of a
 * path's cost is −1/Q of the line where it ends and 0 elsewhere, so the lexicographically
 * shortest augmenting path ends at the reachable unfilled line with the smallest Q (ties: the
 * smallest score cost, then the earlier-posted line), and the score part is an ordinary
 * shortest-path cost. Lines are therefore served in groups of equal Q, smallest first; once a
 * group has no augmenting path it never gets one again (the fills of the groups served so far
 * already form a maximum of the polymatroid of achievable fills). The coverage part is handled
 * exactly (integer comparisons of Q); only the score part is floating point, with reduced costs
 * clamped at 0 against rounding.
 *
 * Capacities are integers (thousandths) and every augmentation moves the integer bottleneck,
 * so the optimum found is integral. Work is counted (one unit per heap pop and per arc scanned)
 * so a caller can bound it deterministically.
 */

/** One component, indexed locally. Arcs must be grouped by line and, within a line, best rank first. */
export interface FlowProblem {
  lotCap: Float64Array;
  /** Demand Q per line; lines indexed in processing order (earlier-posted first). */
  lineCap: Float64Array;
  arcLot: Int32Array;
  arcLine: Int32Array;
  arcCap: Float64Array;
  /** Score gained per unit on this arc: offer total / Q of its line (> 0). */
  arcValue: Float64Array;
  /** The offer's rank on its line (1 = best): prefers the better offer between equal paths. */
  arcRank: Int32Array;
}

/** Mutable budget shared by the solves of one component. */
export interface WorkBudget {
  left: number;
  /** performance.now() deadline, or null. */
  deadline: number | null;
}

export interface FlowSolution {
  /** Flow per arc, or null when the budget ran out. */
  flow: Float64Array | null;
}

const CLOCK_CHECK_EVERY = 32;

export function solveLexMaxFlow(p: FlowProblem, banned: Uint8Array, budget: WorkBudget): FlowSolution {
  const K = p.lotCap.length;
  const L = p.lineCap.length;
  const A = p.arcLot.length;
  const N = K + L;
  const { arcLot, arcLine, arcCap, arcValue, arcRank } = p;

  const flow = new Float64Array(A);
  const lotLeft = Float64Array.from(p.lotCap);
  const needLeft = Float64Array.from(p.lineCap);

  // Adjacency: arcs out of each lot, arcs into each line (in the given order: best rank first).
  const lotStart = new Int32Array(K + 1);
  const lineStart = new Int32Array(L + 1);
  for (let a = 0; a < A; a++) {
    lotStart[arcLot[a] + 1]++;
    lineStart[arcLine[a] + 1]++;
  }
  for (let i = 0; i < K; i++) lotStart[i + 1] += lotStart[i];
  for (let i = 0; i < L; i++) lineStart[i + 1] += lineStart[i];
  const lotArcs = new Int32Array(A);
  const lineArcs = new Int32Array(A);
  {
    const lotFill = lotStart.slice(0, K);
    const lineFill = lineStart.slice(0, L);
    for (let a = 0; a < A; a++) {
      lotArcs[lotFill[arcLot[a]]++] = a;
      lineArcs[lineFill[arcLine[a]]++] = a;
    }
  }

  // Potentials (score part only). Node ids: lots 0..K-1, lines K..K+L-1; the source is separate.
  // Forward arc lot→line costs −value, its reverse +value. Initially only forward arcs have
  // residual capacity, so lots at 0 and each line at −(best value into it) make every reduced
  // cost ≥ 0.
  const pi = new Float64Array(N);
  let piSource = 0;
  for (let l = 0; l < L; l++) {
    let best = 0;
    for (let i = lineStart[l]; i < lineStart[l + 1]; i++) {
      const a = lineArcs[i];
      if (!banned[a] && arcValue[a] > best) best = arcValue[a];
    }
    pi[K + l] = -best;
  }

  const dist = new Float64Array(N);
  const predArc = new Int32Array(N);
  const seen = new Uint32Array(N);
  const done = new Uint32Array(N);
  const settled = new Int32Array(N);
  let stamp = 0;
  const heapCapacity = A + N + 1;
  const heapNode = new Int32Array(heapCapacity);
  const heapKey = new Float64Array(heapCapacity);
  let heapSize = 0;

  const isTarget = new Uint8Array(L);
  let work = 0;
  let exhausted = false;

  const less = (i: number, j: number): boolean =>
    heapKey[i] < heapKey[j] || (heapKey[i] === heapKey[j] && heapNode[i] < heapNode[j]);
  const swap = (i: number, j: number): void => {
    const n = heapNode[i];
    heapNode[i] = heapNode[j];
    heapNode[j] = n;
    const k = heapKey[i];
    heapKey[i] = heapKey[j];
    heapKey[j] = k;
  };
  const push = (node: number, key: number): void => {
    let i = heapSize++;
    heapNode[i] = node;
    heapKey[i] = key;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(i, parent)) break;
      swap(i, parent);
      i = parent;
    }
  };
  const pop = (): void => {
    heapSize--;
    if (heapSize === 0) return;
    heapNode[0] = heapNode[heapSize];
    heapKey[0] = heapKey[heapSize];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heapSize) break;
      const r = l + 1;
      const c = r < heapSize && less(r, l) ? r : l;
      if (!less(c, i)) break;
      swap(c, i);
      i = c;
    }
  };

  // Lines of the group being served (isTarget) and their count; set by the main loop.
  let groupFrom = 0;
  let groupTo = 0;

  /**
   * Shortest path from the source to the best target line; returns the line (local index) or -1.
   * Dijkstra runs on reduced costs, so a line's true path cost is dist + π(line): targets are
   * compared on that (then by index: the earlier-posted line), and the search stops once no
   * unsettled node can lead to a cheaper target (key + min π over the targets > best).
   */
  const dijkstra = (): number => {
    stamp++;
    heapSize = 0;
    let nSettled = 0;
    let minTargetPi = Infinity;
    for (let i = groupFrom; i < groupTo; i++) {
      const l = byQ[i];
      if (isTarget[l] && pi[K + l] < minTargetPi) minTargetPi = pi[K + l];
    }
    for (let k = 0; k < K; k++) {
      if (lotLeft[k] <= 0) continue;
      const d = piSource - pi[k];
      dist[k] = d > 0 ? d : 0;
      predArc[k] = -1;
      seen[k] = stamp;
      push(k, dist[k]);
    }
    let best = Infinity;
    let bestLine = -1;
    let bestDist = 0;
    while (heapSize > 0) {
      const u = heapNode[0];
      const d = heapKey[0];
      pop();
      work++;
      if (done[u] === stamp || d > dist[u]) continue;
      if (bestLine >= 0 && d + minTargetPi > best) break;
      done[u] = stamp;
      settled[nSettled++] = u;
      if (u >= K) {
        const l = u - K;
        if (isTarget[l]) {
          const trueCost = d + pi[u];
          if (trueCost < best || (trueCost === best && l < bestLine)) {
            best = trueCost;
            bestLine = l;
            bestDist = d;
          }
        }
        // Reverse arcs: take back flow a lot sends to this line, to send it elsewhere.
        const piU = pi[u];
        for (let i = lineStart[l], end = lineStart[l + 1]; i < end; i++) {
          const a = lineArcs[i];
          work++;
          if (flow[a] <= 0) continue;
          const v = arcLot[a];
          if (done[v] === stamp) continue;
          const rc = arcValue[a] + piU - pi[v];
          const nd = rc > 0 ? d + rc : d;
          if (seen[v] !== stamp || nd < dist[v]) {
            seen[v] = stamp;
            dist[v] = nd;
            predArc[v] = a;
            push(v, nd);
          }
        }
      } else {
        const piU = pi[u];
        for (let i = lotStart[u], end = lotStart[u + 1]; i < end; i++) {
          const a = lotArcs[i];
          work++;
          if (banned[a] || flow[a] >= arcCap[a]) continue;
          const v = K + arcLine[a];
          if (done[v] === stamp) continue;
          const rc = -arcValue[a] + piU - pi[v];
          const nd = rc > 0 ? d + rc : d;
          if (seen[v] !== stamp || nd < dist[v]) {
            seen[v] = stamp;
            dist[v] = nd;
            predArc[v] = a;
            push(v, nd);
          } else if (nd === dist[v] && arcRank[a] < arcRank[predArc[v]]) {
            predArc[v] = a; // same cost: the better-ranked offer
          }
        }
      }
      if (budget.left - work < 0) {
        exhausted = true;
        return -1;
      }
    }
    if (bestLine < 0) return -1;
    // π' = π + min(d, D) − D (D = the chosen line's reduced distance) keeps every residual
    // reduced cost ≥ 0 and makes the path's 0. Nodes never settled have d ≥ D: unchanged.
    for (let i = 0; i < nSettled; i++) {
      const v = settled[i];
      if (dist[v] < bestDist) pi[v] += dist[v] - bestDist;
    }
    piSource -= bestDist;
    return bestLine;
  };

  const augment = (line: number): void => {
    let bottleneck = needLeft[line];
    let x = K + line;
    for (;;) {
      const a = predArc[x];
      if (x >= K) {
        const r = arcCap[a] - flow[a];
        if (r < bottleneck) bottleneck = r;
        x = arcLot[a];
      } else if (a < 0) {
        if (lotLeft[x] < bottleneck) bottleneck = lotLeft[x];
        break;
      } else {
        if (flow[a] < bottleneck) bottleneck = flow[a];
        x = K + arcLine[a];
      }
    }
    x = K + line;
    for (;;) {
      const a = predArc[x];
      if (x >= K) {
        flow[a] += bottleneck;
        x = arcLot[a];
      } else if (a < 0) {
        lotLeft[x] -= bottleneck;
        break;
      } else {
        flow[a] -= bottleneck;
        x = K + arcLine[a];
      }
    }
    needLeft[line] -= bottleneck;
  };

  // Lines in groups of equal Q, smallest Q first (each unit there covers the largest share).
  const byQ = Array.from({ length: L }, (_, i) => i).sort((a, b) => p.lineCap[a] - p.lineCap[b] || a - b);
  let clockCountdown = CLOCK_CHECK_EVERY;
  for (let g = 0; g < L && !exhausted; ) {
    let end = g;
    while (end < L && p.lineCap[byQ[end]] === p.lineCap[byQ[g]]) end++;
    groupFrom = g;
    groupTo = end;
    let targets = 0;
    for (let i = g; i < end; i++) {
      isTarget[byQ[i]] = 1;
      targets++;
    }
    while (targets > 0) {
      const line = dijkstra();
      if (line < 0) break;
      augment(line);
      if (needLeft[line] === 0) {
        isTarget[line] = 0;
        targets--;
      }
      if (budget.deadline !== null && --clockCountdown <= 0) {
        clockCountdown = CLOCK_CHECK_EVERY;
        if (performance.now() > budget.deadline) exhausted = true;
        if (exhausted) break;
      }
    }
    for (let i = g; i < end; i++) isTarget[byQ[i]] = 0;
    g = end;
  }
  budget.left -= work;
  if (budget.deadline !== null && performance.now() > budget.deadline) exhausted = true;
  return { flow: exhausted ? null : flow };
}
