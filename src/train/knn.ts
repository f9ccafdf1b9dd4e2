/**
 * Exact k-nearest-neighbour search over a 3-D point set with a balanced k-d tree, for the
 * SfM initialisation scales (3dgs-reference.md §6). The reference's simple-knn is approximate
 * (Morton-order boxes); this one is exact, and O(P log P) for building plus about O(log P) per
 * query, so a million points take seconds rather than a quadratic loop.
 *
 * The tree is implicit: the points' index permutation is partitioned in place so that for a
 * node covering perm[lo, hi) the median along its split axis sits at mid = (lo + hi) >> 1,
 * smaller-or-equal coordinates to its left. A node is therefore identified by its mid, and the
 * split axis is stored at splitAxis[mid]. The axis is the widest extent of the node's points,
 * which keeps clustered and flat point sets efficient. Duplicated points are handled like any
 * other: they are each other's neighbours at distance 0. Queries run in tree order over a
 * tree-ordered copy of the points, so neighbouring queries reuse cached nodes and leaves.
 */

/** Ranges of at most this many points are scanned linearly. */
const LEAF_SIZE = 16;

export interface KnnResult {
  k: number;
  /** [P, k] squared distances, ascending per point; Infinity where fewer than k others exist. */
  dist2: Float64Array;
  /** [P, k] neighbour indices matching `dist2`; -1 where missing. */
  index: Int32Array;
}

/**
 * The k nearest other points of every point (a point is never its own neighbour; an exact
 * duplicate is, at distance 0). `xyz` is [P, 3].
 */
export function nearestNeighbours(xyz: ArrayLike<number>, k: number): KnnResult {
  if (xyz.length % 3 !== 0) throw new Error(`nearestNeighbours: xyz length ${xyz.length} is not a multiple of 3`);
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`nearestNeighbours: k must be a positive integer, got ${k}`);
  const n = xyz.length / 3;
  const pts = Float64Array.from(xyz);
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const splitAxis = new Uint8Array(n);
  build(pts, perm, splitAxis);
  // Points copied into tree order: leaf scans and the queries (also made in tree order, so
  // consecutive queries walk the same nodes) touch contiguous memory.
  const tx = new Float64Array(n);
  const ty = new Float64Array(n);
  const tz = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    tx[s] = pts[perm[s] * 3];
    ty[s] = pts[perm[s] * 3 + 1];
    tz[s] = pts[perm[s] * 3 + 2];
  }

  const dist2 = new Float64Array(n * k).fill(Infinity);
  const index = new Int32Array(n * k).fill(-1);
  // Best k of the current query, by tree position; sorted ascending.
  const bestD = new Float64Array(k);
  const bestS = new Int32Array(k);
  // Explicit stack of (lo, hi, lower bound on the squared distance to that range's points).
  const stackLo = new Int32Array(128);
  const stackHi = new Int32Array(128);
  const stackBound = new Float64Array(128);
  const last = k - 1;
  for (let q = 0; q < n; q++) {
    const qx = tx[q];
    const qy = ty[q];
    const qz = tz[q];
    bestD.fill(Infinity);
    bestS.fill(-1);
    let top = 1;
    stackLo[0] = 0;
    stackHi[0] = n;
    stackBound[0] = 0;
    while (top > 0) {
      top--;
      const lo = stackLo[top];
      const hi = stackHi[top];
      const bound = stackBound[top];
      if (bound >= bestD[last]) continue;
      const leaf = hi - lo <= LEAF_SIZE;
      const mid = (lo + hi) >> 1;
      const scanLo = leaf ? lo : mid;
      const scanHi = leaf ? hi : mid + 1;
      for (let s = scanLo; s < scanHi; s++) {
        if (s === q) continue;
        const dx = tx[s] - qx;
        const dy = ty[s] - qy;
        const dz = tz[s] - qz;
        const d = dx * dx + dy * dy + dz * dz;
        if (d >= bestD[last]) continue;
        let j = last;
        while (j > 0 && bestD[j - 1] > d) {
          bestD[j] = bestD[j - 1];
          bestS[j] = bestS[j - 1];
          j--;
        }
        bestD[j] = d;
        bestS[j] = s;
      }
      if (leaf) continue;
      const axis = splitAxis[mid];
      const diff = (axis === 0 ? qx - tx[mid] : axis === 1 ? qy - ty[mid] : qz - tz[mid]);
      // A child's points are at least as far as its parent's bound and, for the far child,
      // as far as the split plane.
      const far = Math.max(bound, diff * diff);
      // Push the far side first so the near side is searched first and tightens the bound.
      if (diff < 0) {
        stackLo[top] = mid + 1;
        stackHi[top] = hi;
        stackBound[top++] = far;
        stackLo[top] = lo;
        stackHi[top] = mid;
        stackBound[top++] = bound;
      } else {
        stackLo[top] = lo;
        stackHi[top] = mid;
        stackBound[top++] = far;
        stackLo[top] = mid + 1;
        stackHi[top] = hi;
        stackBound[top++] = bound;
      }
    }
    const base = perm[q] * k;
    for (let j = 0; j < k; j++) {
      dist2[base + j] = bestD[j];
      index[base + j] = bestS[j] < 0 ? -1 : perm[bestS[j]];
    }
  }
  return { k, dist2, index };
}

/** Mean squared distance of every point to its k nearest other points ([P] f64). */
export function meanNeighbourDist2(xyz: ArrayLike<number>, k: number): Float64Array {
  const n = xyz.length / 3;
  const { dist2 } = nearestNeighbours(xyz, k);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let c = 0;
    for (let j = 0; j < k; j++) {
      const d = dist2[i * k + j];
      if (d === Infinity) break;
      s += d;
      c++;
    }
    // Fewer than k other points: average what exists; a lone point gets 0 (callers clamp).
    out[i] = c > 0 ? s / c : 0;
  }
  return out;
}

/** Builds the implicit tree: partitions `perm` and fills `splitAxis` at each node's mid. */
function build(pts: Float64Array, perm: Uint32Array, splitAxis: Uint8Array): void {
  const stack: number[] = [0, perm.length];
  while (stack.length > 0) {
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    if (hi - lo <= LEAF_SIZE) continue;
    let min0 = Infinity, min1 = Infinity, min2 = Infinity;
    let max0 = -Infinity, max1 = -Infinity, max2 = -Infinity;
    for (let s = lo; s < hi; s++) {
      const p = perm[s] * 3;
      const x = pts[p], y = pts[p + 1], z = pts[p + 2];
      if (x < min0) min0 = x;
      if (x > max0) max0 = x;
      if (y < min1) min1 = y;
      if (y > max1) max1 = y;
      if (z < min2) min2 = z;
      if (z > max2) max2 = z;
    }
    const e0 = max0 - min0, e1 = max1 - min1, e2 = max2 - min2;
    const axis = e0 >= e1 && e0 >= e2 ? 0 : e1 >= e2 ? 1 : 2;
    const mid = (lo + hi) >> 1;
    select(pts, perm, lo, hi - 1, mid, axis);
    splitAxis[mid] = axis;
    stack.push(lo, mid, mid + 1, hi);
  }
}

/**
 * Quickselect (Hoare partition, median-of-three pivot) so perm[k] holds the k-th smallest
 * coordinate along `axis` in perm[left..right], with <= before and >= after it.
 */
function select(pts: Float64Array, perm: Uint32Array, left: number, right: number, k: number, axis: number): void {
  const key = (s: number) => pts[perm[s] * 3 + axis];
  const swap = (a: number, b: number) => {
    const t = perm[a];
    perm[a] = perm[b];
    perm[b] = t;
  };
  while (right > left) {
    const m = (left + right) >> 1;
    if (key(m) < key(left)) swap(m, left);
    if (key(right) < key(left)) swap(right, left);
    if (key(right) < key(m)) swap(right, m);
    const pivot = key(m);
    let i = left;
    let j = right;
    while (i <= j) {
      while (key(i) < pivot) i++;
      while (key(j) > pivot) j--;
      if (i <= j) {
        swap(i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}
