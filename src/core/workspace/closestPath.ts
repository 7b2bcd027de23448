// "Did you mean ...?" for a path that is not in the workspace: models often get a folder, an extension or
// a letter's case wrong. Runs only on the error path, so a linear pass over the paths is fine.

/** The indexed path most likely meant by `wanted`, or undefined when nothing is close. */
export function closestPath(wanted: string, paths: Iterable<string>): string | undefined {
  const wantedBase = baseName(wanted);
  const wantedStem = stem(wantedBase);
  const lowerWanted = wanted.toLowerCase();
  let sameBase: string | undefined;
  let sameStem: string | undefined;
  let nearest: string | undefined;
  let nearestDistance = Math.max(2, Math.floor(wanted.length / 5)) + 1;
  for (const candidate of paths) {
    if (candidate.toLowerCase() === lowerWanted) return candidate;
    const base = baseName(candidate);
    if (base === wantedBase) {
      sameBase = pickCloser(wanted, sameBase, candidate);
      continue;
    }
    if (sameBase === undefined && stem(base) === wantedStem) sameStem = pickCloser(wanted, sameStem, candidate);
    if (sameBase === undefined && sameStem === undefined && Math.abs(candidate.length - wanted.length) < nearestDistance) {
      const distance = editDistance(wanted, candidate, nearestDistance);
      if (distance < nearestDistance) {
        nearest = candidate;
        nearestDistance = distance;
      }
    }
  }
  return sameBase ?? sameStem ?? nearest;
}

function pickCloser(wanted: string, current: string | undefined, candidate: string): string {
  if (current === undefined) return candidate;
  return editDistance(wanted, candidate, Infinity) < editDistance(wanted, current, Infinity) ? candidate : current;
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function stem(base: string): string {
  const dot = base.indexOf('.', 1);
  return dot === -1 ? base : base.slice(0, dot);
}

/** Levenshtein distance, giving up (returning `limit`) once every cell of a row reaches `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (current[j] < rowMin) rowMin = current[j];
    }
    if (rowMin >= limit) return limit;
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}
