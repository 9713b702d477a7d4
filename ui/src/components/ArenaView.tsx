/** Two panes that stream at once, the vote bar and the prompt box. */
import { useCallback, useRef, type ReactNode } from "react";
import type { PublicModel } from "../lib/api";
import { useBattle, type Side } from "../lib/useBattle";
import { ChatPane, type Verdict } from "./ChatPane";
import { Composer } from "./Composer";
import { ErrorBanner } from "./ErrorBanner";
import { spokenName } from "./LiveRegion";
import { VoteBar } from "./VoteBar";

interface Props {
  mode: "anonymous" | "side_by_side";
  /** Side-by-side: the chosen pair, shown from the start. */
  pair?: [PublicModel, PublicModel] | null;
  controls?: ReactNode;
  disabled?: boolean;
}

export function ArenaView({ mode, pair, controls, disabled }: Props) {
  const models = pair ? [pair[0].name, pair[1].name] : undefined;
  const { state, send, vote, reset, clearError } = useBattle({ mode, models });
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const newRound = useCallback(() => {
    reset();
    // The box is re-enabled on the next render; focus it then.
    setTimeout(() => promptRef.current?.focus(), 0);
  }, [reset]);
  const { phase, sides, reveal, winner } = state;
  const busy = phase === "sending" || phase === "streaming";
  const hasTurns = sides.a.messages.length > 0 || sides.b.messages.length > 0;

  const shown = (side: Side) => {
    const r = reveal ? (side === "a" ? reveal.model_a : reveal.model_b) : null;
    if (r) return r;
    if (pair) return side === "a" ? pair[0] : pair[1];
    return null;
  };
  const highlight = (side: Side): Verdict | null => {
    if (!winner) return null;
    if (winner === "tie") return "tie";
    if (winner === "both_bad") return "bad";
    return (winner === "model_a") === (side === "a") ? "winner" : "loser";
  };
  // The reveal is news: the vote bar (a live region) says who was who.
  const revealed =
    reveal && mode === "anonymous" ? { a: spokenName(reveal.model_a), b: spokenName(reveal.model_b) } : null;

  let composerHint = "Enter to send · Shift+Enter for a new line";
  if (phase === "voted") composerHint = "Voted. Start a new round to ask again.";
  else if (phase === "failed") composerHint = "Start a new round to try again.";

  return (
    <div className={`arena${phase === "idle" ? " arena-idle" : ""}`} data-phase={phase}>
      {controls}
      <ErrorBanner message={state.error} onClose={clearError} />
      <div className="panes">
        {(["a", "b"] as Side[]).map((side) => (
          <ChatPane
            key={side}
            side={side}
            title={side === "a" ? "Assistant A" : "Assistant B"}
            model={shown(side)}
            revealed={!!reveal && mode === "anonymous"}
            state={sides[side]}
            highlight={highlight(side)}
            placeholder={
              mode === "anonymous" ? "An anonymous model answers here." : `${shown(side)?.name ?? "The model"} answers here.`
            }
            onNewBattle={newRound}
            newBattleLabel="Start a new battle"
          />
        ))}
      </div>
      <VoteBar
        phase={phase}
        hasTurns={hasTurns}
        winner={winner}
        onVote={vote}
        onNewRound={newRound}
        waitingFor={(["a", "b"] as Side[]).filter((s) => sides[s].status === "streaming").map((s) => `Assistant ${s.toUpperCase()}`)}
        revealed={revealed}
      />
      <Composer
        inputRef={promptRef}
        onSend={send}
        busy={busy}
        disabled={!!disabled || phase === "voted" || phase === "voting" || phase === "failed"}
        placeholder={hasTurns ? "Ask a follow-up… both models continue their conversation" : "Ask anything…"}
        hint={composerHint}
      />
    </div>
  );
}
