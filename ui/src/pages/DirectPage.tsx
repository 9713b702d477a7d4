import { useMemo, useState } from "react";
import { ChatPane } from "../components/ChatPane";
import { Composer } from "../components/Composer";
import { ErrorBanner } from "../components/ErrorBanner";
import { ModelSelect } from "../components/ModelSelect";
import { useBattle } from "../lib/useBattle";
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
      <DirectChat key={name} model={model} models={models ?? []} name={name} setName={setChosen} />
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
  return (
    <div className="arena direct">
      <div className="controls">
        <ModelSelect id="model" label="Model" value={name} models={models} onChange={setName} testId="select-model" />
        <button type="button" className="btn" onClick={reset} disabled={!hasTurns} data-testid="new-chat">
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
          onNewBattle={reset}
          newBattleLabel="Start a new chat"
        />
      </div>
      <Composer
        onSend={send}
        busy={busy}
        disabled={!model || state.phase === "failed"}
        placeholder={hasTurns ? "Continue the conversation…" : "Ask anything…"}
        hint="Enter to send · Shift+Enter for a new line"
      />
    </div>
  );
}
