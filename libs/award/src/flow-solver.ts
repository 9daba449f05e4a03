/**
 * Exact solver for the allocation LP of one component (the split rules left out):
 *
 *   maximise, lexicographically,
 *     1. coverage  C = Σ_lines f_ℓ / Q_ℓ                 (f_ℓ = Σ of the flows into line ℓ)
 *     2. score     S = Σ_arcs  x_a · total_a / Q_line(a)
 *   subject to 0 ≤ x_a ≤ offered_a, Σ_{a from lot k} x_a ≤ available_k, f_ℓ ≤ Q_ℓ.
 *
 * It is a min-cost flow on the network source → lot → (offer arc) → line → sink, solved by
 * successive shortest paths with potentials (Dijkstra on reduced costs, which stay ≥ 0). The
 * coverage part of a path's cost is −1/Q of the line where it ends and 0 elsewhere, so the
 * lexicographically shortest augmenting path ends at the reachable unfilled line with the
 * smallest Q (ties: the smallest score cost, then the earlier-posted line), and the score part
 * is an ordinary shortest-path cost. Lines are therefore served in groups of equal Q, smallest
 * first; once a group has no augmenting path it never gets one again (the fills of the groups
 * served so far already form a maximum of the polymatroid of achievable fills). The coverage
 * part is decided exactly (integer comparisons of Q); only the score part is floating point,
 * with reduced costs clamped at 0 against rounding.
 *
 * Each search runs backwards, from the group's unfilled lines towards lots with stock left, so
 * it only visits the neighbourhood of the lines being served. When a search fails, a forward
 * sweep from the lots with stock marks every line that can no longer be reached: those are
 * never searched again (nodes unreachable from the source stay unreachable: augmenting only adds
 * residual arcs between reachable nodes).
 *
 * Capacities are integers (thousandths) and every augmentation moves the integer bottleneck,
 * so the optimum is integral. Work is counted (one unit per heap pop and per arc scanned) so the
 * caller can bound it deterministically.
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
  /**
   * Serving order of the lines, smaller first, equal keys served as one group (default: lineCap,
   * i.e. the demand Q). The branch and bound passes the original Q when part of a line's demand
   * is already fixed (lineCap then holds what is left), and a key below every Q for lines that
   * must be completely covered.
   */
  lineKey?: Float64Array;
}

/** Mutable budget shared by the solves of one component. */
export interface WorkBudget {
  left: number;
  /** performance.now() deadline, or null. */
  deadline: number | null;
}

/** A solver state that a later solve can continue from. */
export interface FlowState {
  flow: Float64Array;
  pi: Float64Array;
  piSource: number;
}

const CLOCK_CHECK_EVERY = 32;

/**
 * Solves the component with `banned` arcs left out. Without `warm`, from zero flow: the exact
 * optimum. With `warm` (the state of an earlier solve), the flow on banned arcs is cancelled and
 * the search continues from there: feasible and usually close to the optimum, but not
 * guaranteed optimal (the repair uses it as a cheap re-solve). Returns null when the budget ran out.
 */
export function solveLexMaxFlow(
  p: FlowProblem,
  banned: Uint8Array,
  budget: WorkBudget,
  warm: FlowState | null = null,
): FlowState | null {
  const K = p.lotCap.length;
  const L = p.lineCap.length;
  const A = p.arcLot.length;
  const N = K + L;
  const { arcLot, arcLine, arcCap, arcValue, arcRank } = p;

  const flow = warm ? Float64Array.from(warm.flow) : new Float64Array(A);
  const lotLeft = Float64Array.from(p.lotCap);
  const needLeft = Float64Array.from(p.lineCap);
  for (let a = 0; a < A; a++) {
    if (banned[a]) flow[a] = 0;
    lotLeft[arcLot[a]] -= flow[a];
    needLeft[arcLine[a]] -= flow[a];
  }

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

  // Potentials (score part only). Node ids: lots 0..K-1, lines K..K+L-1; the source apart.
  // Forward arc lot→line costs −value, its reverse +value. From zero flow only forward arcs
  // have residual capacity, so lots at 0 and each line at −(best value into it) make every
  // reduced cost ≥ 0.
  let pi: Float64Array;
  let piSource: number;
  if (warm) {
    pi = Float64Array.from(warm.pi);
    piSource = warm.piSource;
  } else {
    pi = new Float64Array(N);
    piSource = 0;
    for (let l = 0; l < L; l++) {
      let best = 0;
      for (let i = lineStart[l]; i < lineStart[l + 1]; i++) {
        const a = lineArcs[i];
        if (!banned[a] && arcValue[a] > best) best = arcValue[a];
      }
      pi[K + l] = -best;
    }
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
  const dead = new Uint8Array(L);
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

  // The group being served: byQ[groupFrom..groupTo) with isTarget set on its open lines.
  let groupFrom = 0;
  let groupTo = 0;

  /**
   * Shortest augmenting path, searched backwards from the group's open lines (the sink's arcs
   * into them cost π(line) − min π over the targets, ≥ 0) to a lot with stock left (the
   * source's arc costs π(source) − π(lot)). Returns the lot where the path starts, or -1;
   * `predArc` then leads from it to the line. Equal costs: the smaller node index (the
   * earlier-posted line), and at the source the better-ranked offer.
   */
  const searchBackwards = (): number => {
    stamp++;
    heapSize = 0;
    let nSettled = 0;
    let sinkPi = Infinity;
    for (let i = groupFrom; i < groupTo; i++) {
      const l = byQ[i];
      if (isTarget[l] && pi[K + l] < sinkPi) sinkPi = pi[K + l];
    }
    for (let i = groupFrom; i < groupTo; i++) {
      const l = byQ[i];
      if (!isTarget[l]) continue;
      const v = K + l;
      dist[v] = pi[v] - sinkPi;
      predArc[v] = -1;
      seen[v] = stamp;
      push(v, dist[v]);
    }
    let sourceDist = Infinity;
    let sourceLot = -1;
    while (heapSize > 0) {
      const u = heapNode[0];
      const d = heapKey[0];
      pop();
      work++;
      if (done[u] === stamp || d > dist[u]) continue;
      if (d >= sourceDist) break;
      done[u] = stamp;
      settled[nSettled++] = u;
      const piU = pi[u];
      if (u < K) {
        if (lotLeft[u] > 0) {
          const rc = piSource - piU;
          const nd = rc > 0 ? d + rc : d;
          if (nd < sourceDist || (nd === sourceDist && arcRank[predArc[u]] < arcRank[predArc[sourceLot]])) {
            sourceDist = nd;
            sourceLot = u;
          }
        }
        // Lines this lot supplies: the path may move that supply (residual line → lot).
        for (let i = lotStart[u], end = lotStart[u + 1]; i < end; i++) {
          const a = lotArcs[i];
          work++;
          if (flow[a] <= 0) continue;
          const v = K + arcLine[a];
          if (done[v] === stamp) continue;
          const rc = arcValue[a] + pi[v] - piU;
          const nd = rc > 0 ? d + rc : d;
          if (seen[v] !== stamp || nd < dist[v]) {
            seen[v] = stamp;
            dist[v] = nd;
            predArc[v] = a;
            push(v, nd);
          }
        }
      } else {
        // Lots that can send more to this line (residual lot → line).
        const l = u - K;
        for (let i = lineStart[l], end = lineStart[l + 1]; i < end; i++) {
          const a = lineArcs[i];
          work++;
          if (banned[a] || flow[a] >= arcCap[a]) continue;
          const v = arcLot[a];
          if (done[v] === stamp) continue;
          const rc = -arcValue[a] + pi[v] - piU;
          const nd = rc > 0 ? d + rc : d;
          if (seen[v] !== stamp || nd < dist[v]) {
            seen[v] = stamp;
            dist[v] = nd;
            predArc[v] = a;
            push(v, nd);
          }
        }
      }
      if (budget.left - work < 0) {
        exhausted = true;
        return -1;
      }
    }
    if (sourceLot < 0) return -1;
    // π' = π − min(r, D) + D, r = distance to the sink, D = the source's: every residual
    // reduced cost stays ≥ 0 and the path's become 0. Unsettled nodes have r ≥ D: unchanged.
    for (let i = 0; i < nSettled; i++) {
      const v = settled[i];
      pi[v] += sourceDist - dist[v];
    }
    return sourceLot;
  };

  /** Moves the bottleneck along the path from `lot` (see searchBackwards); returns the line served. */
  const augment = (lot: number): number => {
    let bottleneck = lotLeft[lot];
    let x = lot;
    for (;;) {
      const a = predArc[x];
      if (x < K) {
        const r = arcCap[a] - flow[a];
        if (r < bottleneck) bottleneck = r;
        x = K + arcLine[a];
      } else if (a < 0) {
        if (needLeft[x - K] < bottleneck) bottleneck = needLeft[x - K];
        break;
      } else {
        if (flow[a] < bottleneck) bottleneck = flow[a];
        x = arcLot[a];
      }
    }
    lotLeft[lot] -= bottleneck;
    x = lot;
    for (;;) {
      const a = predArc[x];
      if (x < K) {
        flow[a] += bottleneck;
        x = K + arcLine[a];
      } else if (a < 0) {
        needLeft[x - K] -= bottleneck;
        return x - K;
      } else {
        flow[a] -= bottleneck;
        x = arcLot[a];
      }
    }
  };

  /** Marks every line the source can no longer reach as dead (a forward sweep). */
  const markUnreachableDead = (): void => {
    stamp++;
    let top = 0;
    for (let k = 0; k < K; k++) {
      if (lotLeft[k] > 0) {
        seen[k] = stamp;
        settled[top++] = k;
      }
    }
    while (top > 0) {
      const u = settled[--top];
      work++;
      if (u < K) {
        for (let i = lotStart[u], end = lotStart[u + 1]; i < end; i++) {
          const a = lotArcs[i];
          work++;
          if (banned[a] || flow[a] >= arcCap[a]) continue;
          const v = K + arcLine[a];
          if (seen[v] !== stamp) {
            seen[v] = stamp;
            settled[top++] = v;
          }
        }
      } else {
        const l = u - K;
        for (let i = lineStart[l], end = lineStart[l + 1]; i < end; i++) {
          const a = lineArcs[i];
          work++;
          if (flow[a] <= 0) continue;
          const v = arcLot[a];
          if (seen[v] !== stamp) {
            seen[v] = stamp;
            settled[top++] = v;
          }
        }
      }
    }
    for (let l = 0; l < L; l++) if (seen[K + l] !== stamp) dead[l] = 1;
  };

  // Lines in groups of equal Q, smallest Q first (each unit there covers the largest share).
  const key = p.lineKey ?? p.lineCap;
  const byQ = Array.from({ length: L }, (_, i) => i).sort((a, b) => key[a] - key[b] || a - b);
  let clockCountdown = CLOCK_CHECK_EVERY;
  for (let g = 0; g < L && !exhausted;) {
    let end = g;
    while (end < L && key[byQ[end]] === key[byQ[g]]) end++;
    groupFrom = g;
    groupTo = end;
    let targets = 0;
    for (let i = g; i < end; i++) {
      const l = byQ[i];
      if (needLeft[l] > 0 && !dead[l]) {
        isTarget[l] = 1;
        targets++;
      }
    }
    while (targets > 0) {
      const lot = searchBackwards();
      if (exhausted) break;
      if (lot < 0) {
        markUnreachableDead();
        const before = targets;
        for (let i = g; i < end; i++) {
          const l = byQ[i];
          if (isTarget[l] && dead[l]) {
            isTarget[l] = 0;
            targets--;
          }
        }
        if (targets === before) break; // cannot happen (search and sweep see the same arcs)
        continue;
      }
      const line = augment(lot);
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
  return exhausted ? null : { flow, pi, piSource };
}
