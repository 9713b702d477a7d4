/**
 * What a board says about the votes it does not show: how many there are, which models wait
 * for the minimum and how many each has, and how to change the minimum. A board with votes
 * never says "No votes yet" (issue 33).
 */
import type { Leaderboard } from "../lib/api";

interface Props {
  data: Leaderboard | null;
  /** True when the board shows no model at all (the note then stands in for the table). */
  empty: boolean;
  category?: string;
}

export function WaitingNote({ data, empty, category = "overall" }: Props) {
  const all = data?.all_votes ?? data?.total_votes ?? 0;
  const waiting = data?.waiting ?? [];
  if (all === 0 || data === null) {
    return empty ? <>No votes yet. Battle a few rounds and come back.</> : null;
  }
  if (!waiting.length) return null;
  const min = data.min_votes ?? 0;
  const setting = category === "overall" ? "ARENA_LEADERBOARD_MIN_VOTES" : "ARENA_CATEGORY_MIN_VOTES";
  const list = waiting.map((w) => `${w.model} (${w.votes.toLocaleString()})`).join(", ");
  return (
    <span className="waiting-note" data-testid="waiting-note">
      {empty
        ? `${all.toLocaleString()} ${all === 1 ? "vote" : "votes"} so far, but no model has the ${min} it needs to be shown yet. `
        : `Waiting for ${min} votes: `}
      {empty ? `Waiting: ${list}.` : `${list}.`}{" "}
      <span className="waiting-how">
        The minimum is <code>{setting}</code> for the server{category === "overall" ? <> and <code>--min-votes</code> for <code>arena leaderboard</code></> : null}.
      </span>
    </span>
  );
}
