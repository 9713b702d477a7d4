/** The arena tabs: only arenas with at least two battle-ready models are offered. */
import { useEffect, useState } from "react";
import { arenaUi, knownArena } from "../arenas";
import { DEFAULT_ARENA, listArenas, type Arena } from "../lib/api";

interface Props {
  value: Arena;
  onChange: (arena: Arena) => void;
  /** What the tabs choose, for screen readers ("Battle arena", "Leaderboard arena"). */
  label: string;
}

export function useArenas(): Arena[] {
  const [arenas, setArenas] = useState<Arena[]>([DEFAULT_ARENA]);
  useEffect(() => {
    const ctrl = new AbortController();
    listArenas(ctrl.signal)
      .then((d) => setArenas(d.arenas.map((a) => a.name).filter(knownArena)))
      .catch(() => undefined); // the text arena still works without the list
    return () => ctrl.abort();
  }, []);
  return arenas;
}

export function ArenaPicker({ value, onChange, label }: Props) {
  const arenas = useArenas();
  if (arenas.length < 2) return null;
  return (
    <div className="arena-picker" role="radiogroup" aria-label={label} data-testid="arena-picker">
      {arenas.map((arena) => (
        <label key={arena} className={`arena-tab${arena === value ? " active" : ""}`}>
          <input
            type="radio"
            name={label}
            value={arena}
            checked={arena === value}
            onChange={() => onChange(arena)}
            data-testid={`arena-${arena}`}
          />
          {arenaUi(arena).label}
        </label>
      ))}
    </div>
  );
}
