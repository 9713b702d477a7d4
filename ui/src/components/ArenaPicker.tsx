/** The arena tabs: only arenas with at least two battle-ready models are offered. */
import { useEffect, useRef, useState } from "react";
import { arenaUi, knownArena } from "../arenas";
import { DEFAULT_ARENA, type Arena, type ArenasInfo } from "../lib/api";
import { arenasInfo, knownArenasInfo } from "../lib/arenaLimits";

interface Props {
  value: Arena;
  onChange: (arena: Arena) => void;
  /** What the tabs choose, for screen readers ("Battle arena", "Leaderboard arena"). */
  label: string;
}

const names = (info: ArenasInfo | null): Arena[] => (info ? info.arenas.map((a) => a.name).filter(knownArena) : [DEFAULT_ARENA]);

export function useArenas(): Arena[] {
  // Asked once per page load: a view rebuilt on an arena switch keeps its tabs (and the
  // focus on them) instead of losing them until the list comes back.
  const [arenas, setArenas] = useState<Arena[]>(() => names(knownArenasInfo()));
  useEffect(() => {
    let live = true;
    void arenasInfo().then((info) => live && info && setArenas(names(info))); // text works without
    return () => {
      live = false;
    };
  }, []);
  return arenas;
}

/** Set when a tab was chosen: the view rebuilt for the new arena puts focus back on it. */
let refocus: string | null = null;

export function ArenaPicker({ value, onChange, label }: Props) {
  const arenas = useArenas();
  const chosen = useRef<HTMLInputElement>(null);
  // Runs before the rebuilt view's own effects, so the prompt box does not take the focus
  // from a keyboard user moving through the tabs with the arrow keys.
  useEffect(() => {
    if (refocus === label && chosen.current) {
      refocus = null;
      chosen.current.focus();
    }
  });
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
            ref={arena === value ? chosen : undefined}
            onChange={() => {
              if (document.activeElement instanceof HTMLInputElement && document.activeElement.name === label) refocus = label;
              onChange(arena);
            }}
            data-testid={`arena-${arena}`}
          />
          {arenaUi(arena).label}
        </label>
      ))}
    </div>
  );
}
