import { useMemo, useState } from "react";
import { ArenaView } from "../components/ArenaView";
import { ErrorBanner } from "../components/ErrorBanner";
import { ModelSelect } from "../components/ModelSelect";
import type { PublicModel } from "../lib/api";
import { useModels } from "../lib/useModels";

export function SideBySidePage({ params }: { params: URLSearchParams }) {
  const { models, error } = useModels();
  const [chosenA, setA] = useState(params.get("a") ?? "");
  const [chosenB, setB] = useState(params.get("b") ?? "");
  // Until the user picks, the first two models of the roster (derived, so a pick is never overwritten).
  const names = useMemo(() => (models ?? []).map((m) => m.name), [models]);
  const a = names.includes(chosenA) ? chosenA : (names[0] ?? "");
  const b = names.includes(chosenB) ? chosenB : (names.find((n) => n !== a) ?? names[0] ?? "");

  const pair = useMemo<[PublicModel, PublicModel] | null>(() => {
    if (!models) return null;
    const ma = models.find((m) => m.name === a);
    const mb = models.find((m) => m.name === b);
    return ma && mb ? [ma, mb] : null;
  }, [models, a, b]);

  const controls = (
    <div className="controls" data-testid="model-pickers">
      <ModelSelect id="model-a" label="Model A" value={a} models={models ?? []} onChange={setA} testId="select-model-a" />
      <span className="vs" aria-hidden="true">vs</span>
      <ModelSelect id="model-b" label="Model B" value={b} models={models ?? []} onChange={setB} testId="select-model-b" />
    </div>
  );

  return (
    <>
      <div className="page-intro">
        <h1>Side-by-side</h1>
        {/* On a phone the labelled pickers say it; the line would push the prompt box off screen. */}
        <p className="intro-desktop">Pick two models and compare their answers to the same prompt. Changing a model starts a new conversation.</p>
      </div>
      <ErrorBanner message={error} />
      {/* Not keyed by the pair: a new pair starts a new battle inside (useBattle resets), and
          remounting would rebuild the pickers and drop focus while someone arrows through them. */}
      <ArenaView mode="side_by_side" pair={pair} controls={controls} disabled={!pair} />
    </>
  );
}
