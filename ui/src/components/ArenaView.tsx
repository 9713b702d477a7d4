/** Two panes that stream at once, the vote bar and the prompt box. */
import { useCallback, useRef, useState, type ReactNode } from "react";
import type { Arena, PublicModel, StoredImage } from "../lib/api";
import { useBattle, type Side } from "../lib/useBattle";
import { ChatPane, type Verdict } from "./ChatPane";
import { Composer } from "./Composer";
import { ErrorBanner } from "./ErrorBanner";
import { ShareControls } from "./ShareControls";
import { spokenName } from "./LiveRegion";
import { ImageAttach } from "./ImageAttach";
import { WebdevPreview, type PreviewStatus } from "./WebdevPreview";
import { VoteBar } from "./VoteBar";

interface Props {
  mode: "anonymous" | "side_by_side";
  /** Side-by-side: the chosen pair, shown from the start. */
  pair?: [PublicModel, PublicModel] | null;
  controls?: ReactNode;
  disabled?: boolean;
  /** The arena (text by default); vision and image edit start from an image. */
  arena?: Arena;
}

/** Arenas whose first prompt comes with one image. */
const STARTS_WITH_IMAGE: Arena[] = ["vision", "image_edit"];

export function ArenaView({ mode, pair, controls, disabled, arena = "text" }: Props) {
  const models = pair ? [pair[0].name, pair[1].name] : undefined;
  const { state, send, vote, reset, clearError } = useBattle({ mode, models, arena });
  const [image, setImage] = useState<StoredImage | null>(null);
  const [imageMissing, setImageMissing] = useState(false);
  const [views, setViews] = useState<Record<Side, "preview" | "code">>({ a: "preview", b: "preview" });
  const [apps, setApps] = useState<{ turn: number } & Partial<Record<Side, PreviewStatus>>>({ turn: 0 });
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const newRound = useCallback(() => {
    reset();
    setImage(null);
    // The box is re-enabled on the next render; focus it then.
    setTimeout(() => promptRef.current?.focus(), 0);
  }, [reset]);
  const { phase, sides, reveal, winner } = state;
  const busy = phase === "sending" || phase === "streaming";
  const hasTurns = sides.a.messages.length > 0 || sides.b.messages.length > 0;
  const wantsImage = STARTS_WITH_IMAGE.includes(arena) && !hasTurns;
  // WebDev: each side's app runs once the turn is stored; voting waits for both to settle.
  const webdev = arena === "webdev";
  const turn = sides.a.messages.filter((m) => m.role === "user").length;
  const appsShown = webdev && !!state.battleId && turn > 0 && (phase === "ready" || phase === "voting" || phase === "voted");
  const settledApp = (side: Side) => apps.turn === turn && (apps[side] === "rendered" || apps[side] === "error" || apps[side] === "stopped");
  const appsSettled = !appsShown || (settledApp("a") && settledApp("b"));
  const onAppStatus = useCallback(
    (side: Side, status: PreviewStatus) =>
      setApps((cur) => (cur.turn === turn ? { ...cur, [side]: status } : { turn, [side]: status })),
    [turn],
  );
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
            headerExtra={
              appsShown ? (
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => setViews((v) => ({ ...v, [side]: v[side] === "preview" ? "code" : "preview" }))}
                  aria-pressed={views[side] === "code"}
                  data-testid={`toggle-code-${side}`}
                >
                  {views[side] === "preview" ? "Show code" : "Show app"}
                </button>
              ) : null
            }
            lastAnswer={
              appsShown && views[side] === "preview" && state.battleId ? (
                <WebdevPreview
                  key={`${state.battleId}-${turn}`}
                  battleId={state.battleId}
                  side={side}
                  turn={turn}
                  title={`App by ${side === "a" ? "Assistant A" : "Assistant B"}`}
                  onStatus={(status) => onAppStatus(side, status)}
                />
              ) : null
            }
          />
        ))}
      </div>
      <VoteBar
        phase={phase === "ready" && !appsSettled ? "streaming" : phase}
        hasTurns={hasTurns}
        winner={winner}
        onVote={vote}
        onNewRound={newRound}
        waitingFor={
          phase === "ready" && !appsSettled
            ? ["both apps to load"]
            : (["a", "b"] as Side[]).filter((s) => sides[s].status === "streaming").map((s) => `Assistant ${s.toUpperCase()}`)
        }
        revealed={revealed}
        failedSides={(["a", "b"] as Side[]).filter((s) => sides[s].status === "error").length}
      />
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
        onSend={sendTurn}
        busy={busy}
        disabled={!!disabled || phase === "voted" || phase === "voting" || phase === "failed"}
        placeholder={hasTurns ? "Ask a follow-up… both models continue their conversation" : "Ask anything…"}
        hint={composerHint}
      />
    </div>
  );
}
