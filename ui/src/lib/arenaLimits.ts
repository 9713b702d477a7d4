/**
 * What the server says before a battle starts: how long after the answers a vote counts
 * (`vote_delay_seconds`) and the longest prompt an arena's smallest model reads
 * (`prompt_chars`). Asked once per page load.
 */
import { useEffect, useState } from "react";
import { listArenas, type Arena, type ArenasInfo } from "./api";

/** The server's defaults, used until it has answered. */
const DEFAULT_DELAY = 2;
export const DEFAULT_PROMPT_CHARS = 16_000;
let info: ArenasInfo | null = null;
let asked: Promise<ArenasInfo | null> | null = null;

function askArenas(): Promise<ArenasInfo | null> {
  asked ??= listArenas()
    .then((d) => (info = d))
    .catch(() => {
      asked = null;
      return null;
    });
  return asked;
}

/** The server's answer once it came (null before): lets a view rebuilt later start from it. */
export function knownArenasInfo(): ArenasInfo | null {
  return info;
}

/** The arenas' info, asked once per page load and shared by every view. */
export function arenasInfo(): Promise<ArenasInfo | null> {
  return asked ?? askArenas();
}

function voteDelay(): Promise<number> {
  return arenasInfo().then((d) => (d ? (d.vote_delay_seconds ?? 0) : DEFAULT_DELAY));
}

const promptChars = (d: ArenasInfo | null, arena: Arena) =>
  d?.arenas.find((a) => a.name === arena)?.prompt_chars ?? DEFAULT_PROMPT_CHARS;

/** The longest prompt this arena's models can all read; the prompt box cuts there. */
export function usePromptChars(arena: Arena): number {
  const [chars, setChars] = useState(() => promptChars(info, arena));
  useEffect(() => {
    let live = true;
    void arenasInfo().then((d) => live && setChars(promptChars(d, arena)));
    return () => {
      live = false;
    };
  }, [arena]);
  return chars;
}

/**
 * Seconds left before a vote can count, counting down from when `open` turns true.
 * The vote buttons stay closed meanwhile, so a vote is never silently dropped as too fast.
 */
export function useVoteCountdown(open: boolean): number {
  const [left, setLeft] = useState<number | null>(null);
  useEffect(() => {
    void voteDelay();
  }, []);
  useEffect(() => {
    if (!open) {
      setLeft(null);
      return;
    }
    let timer: number | undefined;
    let cancelled = false;
    const started = performance.now();
    void voteDelay().then((delay) => {
      const tick = () => {
        if (cancelled) return;
        const remaining = Math.max(0, delay - (performance.now() - started) / 1000);
        setLeft(remaining);
        if (remaining > 0) timer = window.setTimeout(tick, Math.min(250, remaining * 1000 + 20));
      };
      tick();
    });
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [open]);
  if (!open) return 0;
  return left ?? (info ? (info.vote_delay_seconds ?? 0) : DEFAULT_DELAY);
}
