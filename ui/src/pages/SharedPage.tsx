/** A shared battle, read-only: both sides, the vote and the names (a preview model by its codename). */
import { useEffect, useState } from "react";
import { ChatPane, type Verdict } from "../components/ChatPane";
import type { Winner } from "../lib/api";
import { getShared, type SharedBattle } from "../lib/shareApi";
import type { SideState } from "../lib/useBattle";

const VOTE_TEXT: Record<Winner, string> = {
  model_a: "Voted: A is better",
  model_b: "Voted: B is better",
  tie: "Voted: tie",
  both_bad: "Voted: both are bad",
};

function verdict(winner: Winner | null, side: "a" | "b"): Verdict | null {
  if (!winner) return null;
  if (winner === "tie") return "tie";
  if (winner === "both_bad") return "bad";
  return (winner === "model_a") === (side === "a") ? "winner" : "loser";
}

export function SharedPage({ shareId }: { shareId: string }) {
  const [battle, setBattle] = useState<SharedBattle | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    getShared(shareId, ctl.signal).then(setBattle, (e: unknown) => {
      if (ctl.signal.aborted) return;
      const status = (e as { status?: number }).status;
      setError(status === 404 ? "This shared link does not exist or was revoked." : e instanceof Error ? e.message : "Could not load.");
    });
    return () => ctl.abort();
  }, [shareId]);

  if (error)
    return (
      <div className="shared-missing" role="alert" data-testid="shared-missing">
        <h1>This link does not open a battle</h1>
        <p>{error}</p>
        <a className="btn" href="/#/">
          Start a battle
        </a>
      </div>
    );
  if (!battle) return <p data-testid="shared-loading">Loading the shared battle…</p>;
  const sides = (["a", "b"] as const).filter((s) => battle.sides[s]);
  const single = sides.length === 1;
  return (
    <div className="arena shared" data-testid="shared-battle">
      <div className="page-intro">
        <h1>{sides.length > 1 ? `${battle.sides.a?.model?.name ?? "Assistant A"} vs ${battle.sides.b?.model?.name ?? "Assistant B"}` : `A chat with ${battle.sides.a?.model?.name ?? "an assistant"}`}</h1>
      </div>
      <p className="shared-note" data-testid="shared-vote">
        A shared {battle.mode === "direct" ? "chat" : "battle"} (read-only).{battle.winner ? ` ${VOTE_TEXT[battle.winner]}.` : ""}
      </p>
      <div className={`panes${single ? " single" : ""}`}>
        {sides.map((side) => {
          const s = battle.sides[side];
          if (!s) return null;
          const state: SideState = { messages: s.messages, status: "done", error: null };
          return (
            <ChatPane
              key={side}
              side={side}
              title={single ? "Assistant" : side === "a" ? "Assistant A" : "Assistant B"}
              model={s.model}
              revealed={battle.mode === "anonymous"}
              state={state}
              highlight={verdict(battle.winner, side)}
            />
          );
        })}
      </div>
      <p>
        <a className="btn btn-primary" href="/#/" data-testid="shared-start">
          Start your own battle
        </a>
      </p>
    </div>
  );
}
