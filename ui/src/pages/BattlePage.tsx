import { useState } from "react";
import { arenaUi } from "../arenas";
import { ArenaPicker } from "../components/ArenaPicker";
import { ArenaView } from "../components/ArenaView";
import { DEFAULT_ARENA, type Arena } from "../lib/api";

export function BattlePage() {
  const [arena, setArena] = useState<Arena>(DEFAULT_ARENA);
  const ui = arenaUi(arena);
  return (
    <>
      <div className="page-intro">
        <h1>Battle{arena !== DEFAULT_ARENA ? ` · ${ui.label}` : ""}</h1>
        <p>{ui.intro}</p>
      </div>
      <ArenaView key={arena} mode="anonymous" arena={arena} controls={<ArenaPicker value={arena} onChange={setArena} label="Battle arena" />} />
    </>
  );
}
