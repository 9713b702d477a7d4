import { useCallback, useMemo, useRef, useState } from "react";
import { ChatPane } from "../components/ChatPane";
import { Composer } from "../components/Composer";
import { ShareControls } from "../components/ShareControls";
import { ErrorBanner } from "../components/ErrorBanner";
import { LiveRegion, spokenName } from "../components/LiveRegion";
import { ModelSelect } from "../components/ModelSelect";
import { useBattle, type SideState } from "../lib/useBattle";
import { useModels } from "../lib/useModels";

export function DirectPage({ params }: { params: URLSearchParams }) {
  const { models, error } = useModels();
  const [chosen, setChosen] = useState(params.get("model") ?? "");
  // Until the user picks, the first model of the roster (derived, so a pick is never overwritten).
  const name = models?.some((m) => m.name === chosen) ? chosen : (models?.[0]?.name ?? "");
  const model = useMemo(() => models?.find((m) => m.name === name) ?? null, [models, name]);
  return (
    <>
      <div className="page-intro">
        <h1>Direct chat</h1>
        <p>Talk to one model you choose by name.</p>
      </div>
      <ErrorBanner message={error} />
      {/* Not keyed by the model: a new model starts a new chat inside (useBattle resets), and
          remounting would rebuild the picker and drop focus while someone arrows through it. */}
      <DirectChat model={model} models={models ?? []} name={name} setName={setChosen} />
    </>
  );
}

function DirectChat({
  model,
  models,
  name,
  setName,
}: {
  model: { name: string; organization?: string | null } | null;
  models: { name: string; organization?: string | null }[];
  name: string;
  setName: (v: string) => void;
}) {
  const { state, send, reset, clearError } = useBattle({ mode: "direct", models: model ? [model.name] : undefined });
  const busy = state.phase === "sending" || state.phase === "streaming";
  const hasTurns = state.sides.a.messages.length > 0;
  const promptRef = useRef<HTMLTextAreaElement>(null);
  // "New chat" disables itself once the chat is empty; the prompt box takes the focus.
  const newChat = useCallback(() => {
    reset();
    setTimeout(() => promptRef.current?.focus(), 0);
  }, [reset]);
  return (
    <div className="arena direct">
      <div className="controls">
        <ModelSelect id="model" label="Model" value={name} models={models} onChange={setName} testId="select-model" />
        <button type="button" className="btn" onClick={newChat} disabled={!hasTurns} data-testid="new-chat">
          <span aria-hidden="true">↻</span> New chat
        </button>
      </div>
      <ErrorBanner message={state.error} onClose={clearError} />
      <div className="panes single">
        <ChatPane
          side="a"
          title="Assistant"
          model={model}
          state={state.sides.a}
          placeholder={model ? `${model.name} answers here.` : "Choose a model."}
          onNewBattle={newChat}
          newBattleLabel="Start a new chat"
        />
      </div>
      <LiveRegion message={finishedAnswer(model, state.sides.a)} testId="answer-announcement" />
      {state.battleId && hasTurns && !busy ? <ShareControls battleId={state.battleId} /> : null}
      <Composer
        inputRef={promptRef}
        onSend={send}
        busy={busy}
        disabled={!model || state.phase === "failed"}
        placeholder={hasTurns ? "Continue the conversation…" : "Ask anything…"}
        hint="Enter to send · Shift+Enter for a new line"
      />
    </div>
  );
}

/** Longest answer read out whole; past it the announcement points to the conversation. */
const SPOKEN_MAX = 1000;

/** What a screen reader hears when an answer finishes: who answered, and the answer. */
function finishedAnswer(model: { name: string; organization?: string | null } | null, side: SideState): string {
  const last = side.messages[side.messages.length - 1];
  if (side.status !== "done" || !model || !last || last.role !== "assistant") return "";
  const text = last.content.length > SPOKEN_MAX ? `${last.content.slice(0, SPOKEN_MAX)}… (the rest is in the conversation)` : last.content;
  return `${spokenName(model)} answered: ${text}`;
}
