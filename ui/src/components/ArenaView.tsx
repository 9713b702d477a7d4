/** Two panes that stream at once, the vote bar and the prompt box. */
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { arenaUi, type SidesView, type TurnView } from "../arenas";
import { DEFAULT_ARENA, type Arena, type PublicModel, type StoredImage } from "../lib/api";
import { useBattle, type Side } from "../lib/useBattle";
import { ChatPane, type Verdict } from "./ChatPane";
import { Composer } from "./Composer";
import { ErrorBanner } from "./ErrorBanner";
import { ShareControls } from "./ShareControls";
import { spokenName } from "./LiveRegion";
import { ImageAttach } from "./ImageAttach";
import { VoteBar } from "./VoteBar";
import { usePromptChars, useVoteCountdown } from "../lib/arenaLimits";

interface Props {
  mode: "anonymous" | "side_by_side";
  /** Side-by-side: the chosen pair, shown from the start. */
  pair?: [PublicModel, PublicModel] | null;
  controls?: ReactNode;
  disabled?: boolean;
  /** The arena (text by default); what differs is asked of its entry in `arenas/`. */
  arena?: Arena;
}

/** An arena that adds nothing to the panes. */
function PlainSides({ children }: { turn: TurnView; children: (view: SidesView) => ReactNode }) {
  return children({});
}

export function ArenaView({ mode, pair, controls, disabled, arena = DEFAULT_ARENA }: Props) {
  const models = pair ? [pair[0].name, pair[1].name] : undefined;
  const { state, send, vote, reset, clearError } = useBattle({ mode, models, arena });
  const ui = arenaUi(arena);
  const Sides = ui.Sides ?? PlainSides;
  const [image, setImage] = useState<StoredImage | null>(null);
  const [imageMissing, setImageMissing] = useState(false);
  const promptRef = useRef<HTMLTextAreaElement>(null);
  // A page to type into: the prompt box has focus from the start (unless the person is
  // already somewhere, e.g. on the arena tabs that just rebuilt this view).
  useEffect(() => {
    const active = document.activeElement;
    if (!active || active === document.body || active.id === "main") promptRef.current?.focus({ preventScroll: true });
  }, []);
  const newRound = useCallback(() => {
    reset();
    setImage(null);
    // The box is re-enabled on the next render; focus it then.
    setTimeout(() => promptRef.current?.focus(), 0);
  }, [reset]);
  const { phase, sides, reveal, winner } = state;
  const busy = phase === "sending" || phase === "streaming";
  // A vote counts only a moment after the answers end: count down rather than drop it.
  const opensIn = useVoteCountdown(phase === "ready" || phase === "voting");
  const maxChars = usePromptChars(arena);
  const hasTurns = sides.a.messages.length > 0 || sides.b.messages.length > 0;
  const wantsImage = !!ui.firstTurnImage && !hasTurns;
  const turn = sides.a.messages.filter((m) => m.role === "user").length;
  const sendTurn = async (text: string) => {
    if (wantsImage && !image) {
      setImageMissing(true);
      return false;
    }
    setImageMissing(false);
    const ok = await send(text, wantsImage && image ? [image.image_id] : []);
    if (ok && wantsImage) setImage(null);
    return ok;
  };

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
      <ErrorBanner
        message={state.error ?? (imageMissing ? "Add an image first: this arena starts from one." : null)}
        onClose={() => {
          clearError();
          setImageMissing(false);
        }}
      />
      <Sides turn={{ battleId: state.battleId, phase, turn }}>
        {(view) => {
          // Both sides are done, but the arena still waits for something (apps to load).
          const held = phase === "ready" && !!view.waitingFor?.length;
          return (
            <>
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
                    headerExtra={view.headerExtra?.(side)}
                    lastAnswer={view.lastAnswer?.(side)}
                    answerExtra={view.answerExtra ? (m) => view.answerExtra?.(side, m) : undefined}
                  />
                ))}
              </div>
              <VoteBar
                phase={held ? "streaming" : phase}
                hasTurns={hasTurns}
                winner={winner}
                onVote={vote}
                onNewRound={newRound}
                waitingFor={
                  held && view.waitingFor
                    ? view.waitingFor
                    : (["a", "b"] as Side[]).filter((s) => sides[s].status === "streaming").map((s) => `Assistant ${s.toUpperCase()}`)
                }
                revealed={revealed}
                opensIn={opensIn}
                counted={reveal?.counted ?? true}
                reason={reveal?.reason}
                failedSides={(["a", "b"] as Side[]).filter((s) => sides[s].status === "error").length}
              />
            </>
          );
        }}
      </Sides>
      {/* Sharing: an anonymous battle after its vote; a named one once it has a finished turn. */}
      {state.battleId && (mode === "anonymous" ? phase === "voted" : hasTurns && !busy) ? <ShareControls battleId={state.battleId} /> : null}
      {wantsImage ? (
        <ImageAttach
          image={image}
          onChange={(next) => {
            setImage(next);
            if (next) setImageMissing(false);
          }}
          disabled={busy}
        />
      ) : null}
      <Composer
        inputRef={promptRef}
        maxChars={maxChars}
        onSend={sendTurn}
        busy={busy}
        disabled={!!disabled || phase === "voted" || phase === "voting" || phase === "failed"}
        placeholder={
          phase === "voted"
            ? "Voted. Start a new round to ask again."
            : hasTurns
              ? "Ask a follow-up… both models continue their conversation"
              : "Ask anything…"
        }
        hint={composerHint}
      />
    </div>
  );
}
