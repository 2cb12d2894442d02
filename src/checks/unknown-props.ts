import { IConstruct } from "constructs";
import { reportInvalid } from "./validation";

/**
 * For JavaScript apps, which have no compiler to catch a misspelled prop: records a synth error (see
 * `reportInvalid`) for every key of `props` that is not one of `knownKeys`, so that
 * `{ healthcheck: { path: "/healthz" } }` stops synth instead of being ignored. The message suggests the
 * closest known key (edit distance, ignoring case) when it is close enough to be a misspelling, and lists
 * the known keys otherwise. Values are never printed: a misspelled `secrets` may hold one.
 *
 * @param scope the construct the props were given to; the errors are reported under its path
 * @param props the props as received; `undefined` or `null` has no keys
 * @param knownKeys every prop the construct takes
 * @param propsName what the props are called in messages, e.g. `FargateWebAppProps`
 */
export function rejectUnknownProps(
  scope: IConstruct,
  props: object | undefined | null,
  knownKeys: readonly string[],
  propsName: string,
): void {
  if (props === undefined || props === null) return;
  const known = new Set(knownKeys);
  for (const key of Object.keys(props)) {
    if (known.has(key)) continue;
    const suggestion = closestKey(key, knownKeys);
    reportInvalid(scope, {
      field: key,
      allowed: `${propsName} has no prop "${key}", so its value would be ignored`,
      fix: suggestion
        ? `did you mean "${suggestion}"? Rename it`
        : `remove it, or use one of ${propsName}'s props: ${knownKeys.join(", ")}`,
    });
  }
}

/**
 * The known key nearest to `key` by edit distance, ignoring case, when it is close enough to be a
 * misspelling (at most 40% of the key's length plus one edits, the TypeScript compiler's limit for its
 * own suggestions); the first in `knownKeys` order on a tie.
 */
function closestKey(key: string, knownKeys: readonly string[]): string | undefined {
  const wanted = key.toLowerCase();
  const limit = Math.floor(wanted.length * 0.4) + 1;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of knownKeys) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
