/**
 * WebDev: each side's app runs in a sandboxed frame once the turn is stored, with a
 * switch to its code; voting waits until both apps have rendered, failed or been stopped.
 */
import { useCallback, useState, type ReactNode } from "react";
import { WebdevPreview, type PreviewStatus } from "../components/WebdevPreview";
import type { Side } from "../lib/useBattle";
import type { ArenaUi, SidesView, TurnView } from "./types";

type Apps = { turn: number } & Partial<Record<Side, PreviewStatus>>;

function WebdevSides({ turn: view, children }: { turn: TurnView; children: (view: SidesView) => ReactNode }) {
  const { battleId, phase, turn } = view;
  const [views, setViews] = useState<Record<Side, "preview" | "code">>({ a: "preview", b: "preview" });
  const [apps, setApps] = useState<Apps>({ turn: 0 });
  const appsShown = !!battleId && turn > 0 && (phase === "ready" || phase === "voting" || phase === "voted");
  const settledApp = (side: Side) => apps.turn === turn && (apps[side] === "rendered" || apps[side] === "error" || apps[side] === "stopped");
  const appsSettled = !appsShown || (settledApp("a") && settledApp("b"));
  const onAppStatus = useCallback(
    (side: Side, status: PreviewStatus) =>
      setApps((cur) => (cur.turn === turn ? { ...cur, [side]: status } : { turn, [side]: status })),
    [turn],
  );
  return children({
    headerExtra: (side) =>
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
      ) : null,
    lastAnswer: (side) =>
      appsShown && views[side] === "preview" && battleId ? (
        <WebdevPreview
          key={`${battleId}-${turn}`}
          battleId={battleId}
          side={side}
          turn={turn}
          title={`App by ${side === "a" ? "Assistant A" : "Assistant B"}`}
          onStatus={(status) => onAppStatus(side, status)}
        />
      ) : null,
    waitingFor: appsSettled ? [] : ["both apps to load"],
  });
}

export const webdev: ArenaUi = {
  label: "WebDev",
  intro: "Describe a web app: two anonymous models each build it. Vote for the better one, then see who they were.",
  Sides: WebdevSides,
};
