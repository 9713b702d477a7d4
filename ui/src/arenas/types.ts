/**
 * What the page needs to know of an arena: its name in words, what the composer asks
 * for, and how a side's answer is shown. One file per arena, listed in `index.ts`;
 * the battle view asks the registry and never compares arena names.
 */
import type { ReactNode } from "react";
import type { Message, Phase, Side } from "../lib/useBattle";

/** Where the battle stands, for an arena that shows more than the answer's text. */
export interface TurnView {
  battleId: string | null;
  phase: Phase;
  /** Turns sent so far (the one streaming counts). */
  turn: number;
}

/** An arena's additions to both panes and the vote bar; all optional. */
export interface SidesView {
  /** Extra controls in a pane's header (WebDev: show the code or the app). */
  headerExtra?: (side: Side) => ReactNode;
  /** Shown in place of a side's last answer (WebDev: the running app); null: the text. */
  lastAnswer?: (side: Side) => ReactNode;
  /** Shown under each of a side's answers (Search: its numbered sources). */
  answerExtra?: (side: Side, message: Message) => ReactNode;
  /** What voting still waits for once both sides are done ("both apps to load"). */
  waitingFor?: string[];
}

export interface ArenaUi {
  /** The arena's name on tabs and headings. */
  label: string;
  /** One line under the Battle heading. */
  intro: string;
  /** The composer asks for one image with the first prompt (and none later). */
  firstTurnImage?: boolean;
  /**
   * Holds the arena's own page state and hands both panes its additions. A component
   * (not a hook), so switching arenas remounts it and its state starts afresh.
   */
  Sides?: (props: { turn: TurnView; children: (view: SidesView) => ReactNode }) => ReactNode;
}
