import { useEffect, useRef } from "react";
import type { Winner } from "../lib/api";
import type { Phase } from "../lib/useBattle";

const BUTTONS: { winner: Winner; label: string }[] = [
  { winner: "model_a", label: "A is better" },
  { winner: "model_b", label: "B is better" },
  { winner: "tie", label: "Tie" },
  { winner: "both_bad", label: "Both are bad" },
];

const LABEL: Record<Winner, string> = {
  model_a: "A is better",
  model_b: "B is better",
  tie: "Tie",
  both_bad: "Both are bad",
};

interface Props {
  phase: Phase;
  hasTurns: boolean;
  winner: Winner | null;
  onVote: (w: Winner) => void;
  onNewRound: () => void;
  /** Sides still streaming, to say who we are waiting for. */
  waitingFor?: string[];
  /** How many sides failed in the last turn. */
  failedSides?: number;
  /** After an anonymous vote, who was who: shown (and announced) with the thanks. */
  revealed?: { a: string; b: string } | null;
  /** Seconds before a vote can count; the buttons stay closed until then. */
  opensIn?: number;
  /** The server's word on the vote: counted, or kept off the board and why. */
  counted?: boolean;
  reason?: string | null;
}

/** Always takes the same height so the page does not jump when voting opens. */
export function VoteBar({
  phase,
  hasTurns,
  winner,
  onVote,
  onNewRound,
  waitingFor = [],
  failedSides = 0,
  revealed,
  opensIn = 0,
  counted = true,
  reason,
}: Props) {
  const canVote = phase === "ready" && opensIn <= 0;
  const barRef = useRef<HTMLDivElement>(null);
  const newRoundRef = useRef<HTMLButtonElement>(null);
  // The vote button a person pressed disables itself, which would drop focus to the page;
  // hand it to "New round", the next step, so Enter starts the next battle at once.
  useEffect(() => {
    if (phase !== "voted") return;
    const active = document.activeElement;
    if (!active || active === document.body || barRef.current?.contains(active)) newRoundRef.current?.focus();
  }, [phase]);
  let status: string;
  switch (phase) {
    case "idle":
      status = "Send a prompt; vote once both answers are in.";
      break;
    case "sending":
    case "streaming":
      status = waitingFor.length === 1 ? `Waiting for ${waitingFor[0]}…` : "Both models are answering…";
      break;
    case "ready":
      status =
        failedSides > 0
          ? "The last turn failed and was not kept. Vote on the earlier answers, or start a new round."
          : opensIn > 0
            ? `Read both answers: voting opens in ${Math.ceil(opensIn)} s.`
            : "Which answer is better? Vote, or ask a follow-up.";
      break;
    case "voting":
      status = "Recording your vote…";
      break;
    case "voted":
      status = counted
        ? `Thanks! You voted: ${winner ? LABEL[winner] : ""}. Your vote counts.`
        : `You voted: ${winner ? LABEL[winner] : ""}. ${reason ?? "Your vote is kept but not counted on the board."}`;
      break;
    case "failed":
      status =
        failedSides > 1
          ? "Both sides failed to answer, so this battle can't be voted on."
          : "One side failed to answer, so this battle can't be voted on.";
      break;
  }
  return (
    <div
      className="vote-bar"
      data-testid="vote-bar"
      data-phase={phase}
      data-counted={phase === "voted" ? String(counted) : undefined}
      ref={barRef}
    >
      {/* A live region: the names are news, and on a phone one pane is above the fold. */}
      <p className="vote-status" data-testid="vote-status" aria-live="polite" aria-atomic="true">
        {status}
        {phase === "voted" && revealed ? (
          <span className="vote-reveal" data-testid="vote-reveal">
            {" "}
            A was <strong>{revealed.a}</strong>; B was <strong>{revealed.b}</strong>.
          </span>
        ) : null}
      </p>
      <div className="vote-buttons" role="group" aria-label="Vote">
        {BUTTONS.map((b) => (
          <button
            key={b.winner}
            type="button"
            className={`btn vote-btn${winner === b.winner ? " chosen" : ""}`}
            data-testid={`vote-${b.winner}`}
            disabled={!canVote}
            onClick={() => onVote(b.winner)}
          >
            {b.label}
          </button>
        ))}
        <button
          type="button"
          className={`btn new-round${phase === "voted" || phase === "failed" ? " btn-primary" : ""}`}
          data-testid="new-round"
          ref={newRoundRef}
          disabled={!hasTurns || phase === "voting"}
          onClick={onNewRound}
        >
          <span aria-hidden="true">↻</span> New round
        </button>
      </div>
    </div>
  );
}
