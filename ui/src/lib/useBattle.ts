/**
 * The state of one battle as the page sees it: per-side transcripts that grow
 * while both streams run at once, then one vote and the reveal.
 */
import { useCallback, useEffect, useReducer, useRef } from "react";
import { ApiError, createBattle, DEFAULT_ARENA, streamTurn, vote as postVote, type Arena, type BattleMode, type VoteResult, type Winner } from "./api";
import type { ArenaFields, StreamEvent } from "./sse";

export type Side = "a" | "b";
export type SideStatus = "idle" | "streaming" | "done" | "error";

export interface Message {
  role: "user" | "assistant";
  content: string;
  /** The reply ended at the token limit: the number of tokens it was cut at (0: unknown). */
  cutAt?: number;
  /** Image ids: the user's upload, or the pictures a model made. */
  images?: string[];
  /** Fields an arena's own events and its `done` added to this answer (latest wins). */
  fields?: ArenaFields;
}

export interface SideState {
  messages: Message[];
  status: SideStatus;
  error: string | null;
}

export type Phase = "idle" | "sending" | "streaming" | "ready" | "voting" | "voted" | "failed";

export interface BattleState {
  battleId: string | null;
  sides: Record<Side, SideState>;
  phase: Phase;
  error: string | null;
  reveal: VoteResult | null;
  winner: Winner | null;
}

const emptySide = (): SideState => ({ messages: [], status: "idle", error: null });
const initial = (): BattleState => ({
  battleId: null,
  sides: { a: emptySide(), b: emptySide() },
  phase: "idle",
  error: null,
  reveal: null,
  winner: null,
});

type Action =
  | { type: "reset" }
  | { type: "send"; prompt: string; images: string[]; sides: Side[] }
  | { type: "created"; battleId: string }
  | { type: "event"; event: StreamEvent }
  | { type: "deltas"; text: Partial<Record<Side, string>> }
  | { type: "streamEnded"; sides: Side[] }
  | { type: "requestFailed"; message: string; sides: Side[]; keepTurn: boolean }
  | { type: "voting" }
  | { type: "voted"; result: VoteResult; winner: Winner }
  | { type: "voteFailed"; message: string }
  | { type: "clearError" };

function isSide(s: string): s is Side {
  return s === "a" || s === "b";
}

function derivePhase(sides: Record<Side, SideState>, active: Side[]): Phase {
  const st = active.map((s) => sides[s].status);
  if (st.some((s) => s === "streaming")) return "streaming";
  // A failed later turn is not kept by the server: the earlier turns can still be voted on.
  if (st.some((s) => s === "error")) return active.every((s) => sides[s].messages.length > 2) ? "ready" : "failed";
  return "ready";
}

/** The messages with an arena's fields merged into the answer being written. */
function withFields(messages: Message[], fields: ArenaFields): Message[] {
  const msgs = messages.slice();
  const last = msgs[msgs.length - 1];
  if (last && last.role === "assistant") msgs[msgs.length - 1] = { ...last, fields: { ...last.fields, ...fields } };
  else msgs.push({ role: "assistant", content: "", fields });
  return msgs;
}

function reducer(state: BattleState, action: Action): BattleState {
  switch (action.type) {
    case "reset":
      return initial();
    case "send": {
      const sides = { ...state.sides };
      for (const s of action.sides) {
        sides[s] = {
          messages: [
            ...sides[s].messages,
            { role: "user", content: action.prompt, ...(action.images.length ? { images: action.images } : {}) },
            { role: "assistant", content: "" },
          ],
          status: "streaming",
          error: null,
        };
      }
      return { ...state, sides, phase: "sending", error: null };
    }
    case "created":
      return { ...state, battleId: action.battleId };
    case "deltas": {
      const sides = { ...state.sides };
      for (const side of ["a", "b"] as Side[]) {
        const text = action.text[side];
        const cur = sides[side];
        if (!text || cur.status !== "streaming") continue;
        const msgs = cur.messages.slice();
        const last = msgs[msgs.length - 1];
        if (last && last.role === "assistant") msgs[msgs.length - 1] = { ...last, content: last.content + text };
        else msgs.push({ role: "assistant", content: text });
        sides[side] = { ...cur, messages: msgs };
      }
      return { ...state, sides, phase: state.phase === "sending" ? "streaming" : state.phase };
    }
    case "event": {
      const ev = action.event;
      if (!isSide(ev.side)) return state;
      const cur = state.sides[ev.side];
      let next: SideState;
      if ("delta" in ev) {
        if (cur.status !== "streaming") return state;
        const msgs = cur.messages.slice();
        const last = msgs[msgs.length - 1];
        if (last && last.role === "assistant") msgs[msgs.length - 1] = { ...last, content: last.content + ev.delta };
        else msgs.push({ role: "assistant", content: ev.delta });
        next = { ...cur, messages: msgs };
      } else if ("image" in ev) {
        if (cur.status !== "streaming") return state;
        const msgs = cur.messages.slice();
        const last = msgs[msgs.length - 1];
        if (last && last.role === "assistant") msgs[msgs.length - 1] = { ...last, images: [...(last.images ?? []), ev.image] };
        else msgs.push({ role: "assistant", content: "", images: [ev.image] });
        next = { ...cur, messages: msgs };
      } else if ("error" in ev) {
        next = { ...cur, status: "error", error: ev.error || "This model failed to answer." };
      } else if ("other" in ev) {
        if (cur.status !== "streaming") return state;
        next = { ...cur, messages: withFields(cur.messages, ev.other) };
      } else {
        if (cur.status !== "streaming") return state;
        const msgs = ev.fields ? withFields(cur.messages, ev.fields) : cur.messages.slice();
        const last = msgs[msgs.length - 1];
        if (ev.finish_reason === "length" && last && last.role === "assistant")
          msgs[msgs.length - 1] = { ...last, cutAt: ev.max_tokens ?? 0 };
        next = { ...cur, messages: msgs, status: "done" };
      }
      const sides = { ...state.sides, [ev.side]: next };
      return { ...state, sides, phase: state.phase === "sending" ? "streaming" : state.phase };
    }
    case "streamEnded": {
      const sides = { ...state.sides };
      for (const s of action.sides) {
        if (sides[s].status === "streaming")
          sides[s] = { ...sides[s], status: "error", error: "The answer stopped before it finished." };
      }
      return { ...state, sides, phase: derivePhase(sides, action.sides) };
    }
    case "requestFailed": {
      // The turn never started: take the prompt back out so the user can retry.
      const sides = { ...state.sides };
      for (const s of action.sides) {
        const msgs = sides[s].messages.slice(0, action.keepTurn ? undefined : -2);
        const hadTurns = msgs.length > 0;
        sides[s] = { messages: msgs, status: hadTurns ? "done" : "idle", error: null };
      }
      const anyTurns = action.sides.some((s) => sides[s].messages.length > 0);
      return { ...state, sides, phase: anyTurns ? "ready" : "idle", error: action.message };
    }
    case "voting":
      return { ...state, phase: "voting", error: null };
    case "voted":
      return { ...state, phase: "voted", reveal: action.result, winner: action.winner };
    case "voteFailed":
      return { ...state, phase: "ready", error: action.message };
    case "clearError":
      return { ...state, error: null };
  }
}

export interface BattleOptions {
  mode: BattleMode;
  /** Which arena the battle is in (text by default). */
  arena?: Arena;
  /** Models to request (side-by-side: two, direct: one). */
  models?: string[];
}

export function useBattle({ mode, models, arena = DEFAULT_ARENA }: BattleOptions) {
  const [state, dispatch] = useReducer(reducer, undefined, initial);
  const abortRef = useRef<AbortController | null>(null);
  const stateRef = useRef(state);
  stateRef.current = state;
  const activeSides: Side[] = mode === "direct" ? ["a"] : ["a", "b"];
  const sidesKey = activeSides.join("");
  const modelsKey = (models ?? []).join("\u0000");

  useEffect(() => () => abortRef.current?.abort(), []);

  const reset = useCallback(() => {
    abortRef.current?.abort();
    abortRef.current = null;
    dispatch({ type: "reset" });
  }, []);

  // A different pair (or model) means a different battle.
  useEffect(() => {
    reset();
  }, [modelsKey, mode, arena, reset]);

  const send = useCallback(
    async (prompt: string, images: string[] = []) => {
      const text = prompt.trim();
      const cur = stateRef.current;
      if (!text || cur.phase === "sending" || cur.phase === "streaming" || cur.phase === "voting" || cur.phase === "voted" || cur.phase === "failed")
        return false;
      const sides = sidesKey.split("") as Side[];
      const ctrl = new AbortController();
      abortRef.current?.abort();
      abortRef.current = ctrl;
      dispatch({ type: "send", prompt: text, images, sides });
      let battleId = cur.battleId;
      let started = false;
      try {
        if (!battleId) {
          const created = await createBattle(mode, modelsKey ? modelsKey.split("\u0000") : undefined, arena);
          if (ctrl.signal.aborted) return true;
          battleId = created.battle_id;
          dispatch({ type: "created", battleId });
        }
        // Deltas can arrive hundreds of times a second; render them in batches
        // (about 30 a second) and flush before anything that ends a side.
        let pending: Partial<Record<Side, string>> = {};
        let timer: ReturnType<typeof setTimeout> | null = null;
        const flush = () => {
          if (timer !== null) clearTimeout(timer);
          timer = null;
          const text = pending;
          pending = {};
          if (!ctrl.signal.aborted && (text.a || text.b)) dispatch({ type: "deltas", text });
        };
        try {
          await streamTurn(
            battleId,
            text,
            (event) => {
              started = true;
              if (ctrl.signal.aborted) return;
              if ("delta" in event && isSide(event.side)) {
                pending[event.side] = (pending[event.side] ?? "") + event.delta;
                timer ??= setTimeout(flush, 33);
                return;
              }
              flush();
              dispatch({ type: "event", event });
            },
            ctrl.signal,
            images,
          );
        } finally {
          flush();
        }
        if (!ctrl.signal.aborted) dispatch({ type: "streamEnded", sides });
      } catch (e) {
        if (ctrl.signal.aborted) return true;
        if (started) {
          dispatch({ type: "streamEnded", sides });
        } else {
          const message = e instanceof ApiError ? e.message : "Something went wrong. Please try again.";
          dispatch({ type: "requestFailed", message, sides, keepTurn: false });
          return false; // the composer puts the prompt back
        }
      }
      return true;
    },
    [mode, modelsKey, sidesKey, arena],
  );

  const vote = useCallback(async (winner: Winner) => {
    const cur = stateRef.current;
    if (!cur.battleId || cur.phase !== "ready") return;
    dispatch({ type: "voting" });
    try {
      const result = await postVote(cur.battleId, winner);
      dispatch({ type: "voted", result, winner });
    } catch (e) {
      dispatch({ type: "voteFailed", message: e instanceof ApiError ? e.message : "Your vote could not be recorded." });
    }
  }, []);

  const clearError = useCallback(() => dispatch({ type: "clearError" }), []);

  return { state, send, vote, reset, clearError, activeSides };
}
