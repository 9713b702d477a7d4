import { Suspense, lazy, useCallback, useEffect, useLayoutEffect, useRef, type ReactNode } from "react";
import { loadMarkdown } from "./loadMarkdown";
import { Pictures } from "./Pictures";

// The Markdown renderer (with the highlighter) is the bulk of the bundle; it loads
// right after the first paint and until then answers show as plain text.
const Markdown = lazy(loadMarkdown);
import type { Message, SideState } from "../lib/useBattle";

interface Props {
  side: "a" | "b";
  title: string;
  /** Revealed or chosen model shown under the title. */
  model?: { name: string; organization?: string | null } | null;
  revealed?: boolean;
  state: SideState;
  /** After a vote: this side was picked, not picked, tied, or both sides were bad. */
  highlight?: Verdict | null;
  placeholder?: string;
  onNewBattle?: () => void;
  newBattleLabel?: string;
  /** Shown in place of the last answer (a WebDev app), with a way back to its code. */
  lastAnswer?: ReactNode;
  /** Extra controls in the pane's header (the WebDev code/preview switch). */
  headerExtra?: ReactNode;
  /** Shown under each answer (an arena's addition, e.g. a search answer's sources). */
  answerExtra?: (message: Message) => ReactNode;
}

export type Verdict = "winner" | "loser" | "tie" | "bad";

const VERDICT_LABEL: Record<Verdict, string | null> = {
  winner: "✓ Your pick",
  loser: null,
  tie: "Tie",
  bad: "Both bad",
};

export function ChatPane({ side, title, model, revealed, state, highlight, placeholder, onNewBattle, newBattleLabel, lastAnswer, headerExtra, answerExtra }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const pinnedAt = useRef(0);

  // Follow the stream while the reader stays where we put them (scrolling away stops it),
  // but never past the top of the newest answer: a long answer, a picture or an app keeps
  // its top (and the app's Reload/Stop/Full screen) in view instead of its bottom.
  const follow = useCallback(() => {
    const el = scrollRef.current;
    if (!el || !stick.current) return;
    const bottom = el.scrollHeight - el.clientHeight;
    const newest = el.querySelector<HTMLElement>("[data-newest]");
    const top = newest
      ? newest.getBoundingClientRect().top - el.getBoundingClientRect().top + el.scrollTop - 8
      : bottom;
    const target = Math.max(0, Math.min(bottom, top));
    pinnedAt.current = target;
    el.scrollTop = target;
  }, []);
  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    stick.current = atBottom || Math.abs(el.scrollTop - pinnedAt.current) < 40;
  };
  const lastLen = state.messages.length ? state.messages[state.messages.length - 1].content.length : 0;
  useLayoutEffect(follow, [follow, lastLen, state.messages.length, state.status]);
  // Pictures and app frames get their size after they load: follow again when they do.
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const watch = new ResizeObserver(() => follow());
    for (const child of Array.from(el.children)) watch.observe(child);
    return () => watch.disconnect();
  }, [follow, state.messages.length, state.status, lastAnswer]);
  useEffect(() => {
    if (state.messages.length === 0) stick.current = true;
  }, [state.messages.length]);
  // A new turn (the person asked again): take them to it.
  const turns = state.messages.filter((m) => m.role === "user").length;
  useEffect(() => {
    stick.current = true;
  }, [turns]);

  const streaming = state.status === "streaming";
  const verdict = highlight ? VERDICT_LABEL[highlight] : null;
  const fullName = model ? `${model.name}${model.organization ? ` · ${model.organization}` : ""}` : undefined;
  return (
    <section
      className={`pane${highlight ? ` pane-${highlight}` : ""}`}
      data-testid={`pane-${side}`}
      data-status={state.status}
      aria-label={title}
      aria-busy={streaming}
    >
      {revealed && model ? (
        // The reveal: the name large, on its own line, wrapping rather than cut (the title
        // holds the full name too), and the side the person voted for marked in words.
        <header className="pane-head pane-head-revealed">
          <div className="pane-head-line">
            <span className="pane-title">{title} was</span>
            {verdict ? (
              <span className={`verdict verdict-${highlight}`} data-testid={`verdict-${side}`}>
                {verdict}
              </span>
            ) : null}
          </div>
          <div className="reveal-name" data-testid={`reveal-${side}`} title={fullName}>
            <strong>{model.name}</strong>
            {model.organization ? <span className="org">{model.organization}</span> : null}
          </div>
          {headerExtra}
        </header>
      ) : (
        <header className="pane-head">
          <span className="pane-title">{title}</span>
          {model ? (
            <span className="pane-model" data-testid={`reveal-${side}`} title={fullName}>
              <strong>{model.name}</strong>
              {model.organization ? <span className="org"> · {model.organization}</span> : null}
            </span>
          ) : null}
          {verdict ? (
            <span className={`verdict verdict-${highlight}`} data-testid={`verdict-${side}`}>
              {verdict}
            </span>
          ) : null}
          {headerExtra}
          {streaming ? (
            <span className="typing">
              <i aria-hidden="true" />
              <i aria-hidden="true" />
              <i aria-hidden="true" />
              <span className="sr-only">Answering…</span>
            </span>
          ) : null}
          {state.status === "done" && !model ? <span className="pane-done" aria-hidden="true">✓</span> : null}
        </header>
      )}
      {/* Focusable, so a keyboard user can scroll a long answer with the arrow keys. */}
      <div
        className="pane-body"
        ref={scrollRef}
        onScroll={onScroll}
        data-testid={`pane-body-${side}`}
        tabIndex={0}
        role="group"
        aria-label={`${title}: conversation`}
      >
        {state.messages.length === 0 ? <p className="pane-empty">{placeholder}</p> : null}
        {state.messages.map((m, i) =>
          m.role === "user" ? (
            <div key={i} className="msg msg-user" data-testid={`user-msg-${side}`}>
              {m.images?.length ? <Pictures ids={m.images} label="Your image" /> : null}
              {m.content}
            </div>
          ) : lastAnswer && i === state.messages.length - 1 ? (
            <div key={i} className="msg msg-assistant msg-app" data-newest="">
              {lastAnswer}
            </div>
          ) : (
            <div
              key={i}
              className="msg msg-assistant"
              data-testid={`assistant-msg-${side}`}
              data-newest={i === state.messages.length - 1 ? "" : undefined}
            >
              {m.images?.length ? <Pictures ids={m.images} label={`Picture by ${title}`} /> : null}
              {m.content ? (
                <Suspense fallback={<div className="plain">{m.content}</div>}>
                  <Markdown text={m.content} />
                </Suspense>
              ) : streaming && i === state.messages.length - 1 && !m.images?.length ? <span className="cursor" /> : null}
              {answerExtra?.(m)}
              {m.cutAt !== undefined ? (
                <p className="cut-note" data-testid={`cut-note-${side}`}>
                  {m.cutAt ? `Cut at ${m.cutAt} tokens` : "Cut at the token limit"}
                </p>
              ) : null}
            </div>
          ),
        )}
        {state.status === "error" ? (
          <div className="side-error" role="alert" data-testid={`side-error-${side}`}>
            <p>{state.error || "This model failed to answer."}</p>
            {onNewBattle ? (
              <button type="button" className="btn btn-small" onClick={onNewBattle} data-testid={`side-error-new-${side}`}>
                {newBattleLabel ?? "Start a new battle"}
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
    </section>
  );
}
