import { Suspense, lazy, useEffect, useLayoutEffect, useRef, type ReactNode } from "react";
import { loadMarkdown } from "./loadMarkdown";
import { Pictures } from "./Pictures";

// The Markdown renderer (with the highlighter) is the bulk of the bundle; it loads
// right after the first paint and until then answers show as plain text.
const Markdown = lazy(loadMarkdown);
import type { SideState } from "../lib/useBattle";

interface Props {
  side: "a" | "b";
  title: string;
  /** Revealed or chosen model shown under the title. */
  model?: { name: string; organization?: string | null } | null;
  revealed?: boolean;
  state: SideState;
  highlight?: "winner" | "loser" | "tie" | null;
  placeholder?: string;
  onNewBattle?: () => void;
  newBattleLabel?: string;
  /** Shown in place of the last answer (a WebDev app), with a way back to its code. */
  lastAnswer?: ReactNode;
  /** Extra controls in the pane's header (the WebDev code/preview switch). */
  headerExtra?: ReactNode;
}

export function ChatPane({ side, title, model, revealed, state, highlight, placeholder, onNewBattle, newBattleLabel, lastAnswer, headerExtra }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  // Follow the stream only while the reader is at the bottom; scrolling up stops it.
  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  };
  const lastLen = state.messages.length ? state.messages[state.messages.length - 1].content.length : 0;
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lastLen, state.messages.length, state.status]);
  useEffect(() => {
    if (state.messages.length === 0) stick.current = true;
  }, [state.messages.length]);

  const streaming = state.status === "streaming";
  return (
    <section
      className={`pane${highlight ? ` pane-${highlight}` : ""}`}
      data-testid={`pane-${side}`}
      data-status={state.status}
      aria-label={title}
      aria-busy={streaming}
    >
      <header className="pane-head">
        <span className="pane-title">{title}</span>
        {model ? (
          <span className={`pane-model${revealed ? " revealed" : ""}`} data-testid={`reveal-${side}`}>
            <strong>{model.name}</strong>
            {model.organization ? <span className="org"> · {model.organization}</span> : null}
          </span>
        ) : null}
        {headerExtra}
        {streaming ? <span className="typing" aria-label="streaming"><i /><i /><i /></span> : null}
        {state.status === "done" && !model ? <span className="pane-done" aria-hidden="true">✓</span> : null}
      </header>
      <div className="pane-body" ref={scrollRef} onScroll={onScroll} data-testid={`pane-body-${side}`}>
        {state.messages.length === 0 ? <p className="pane-empty">{placeholder}</p> : null}
        {state.messages.map((m, i) =>
          m.role === "user" ? (
            <div key={i} className="msg msg-user" data-testid={`user-msg-${side}`}>
              {m.images?.length ? <Pictures ids={m.images} label="Your image" /> : null}
              {m.content}
            </div>
          ) : lastAnswer && i === state.messages.length - 1 ? (
            <div key={i} className="msg msg-assistant msg-app">
              {lastAnswer}
            </div>
          ) : (
            <div key={i} className="msg msg-assistant" data-testid={`assistant-msg-${side}`}>
              {m.images?.length ? <Pictures ids={m.images} label={`Picture by ${title}`} /> : null}
              {m.content ? (
                <Suspense fallback={<div className="plain">{m.content}</div>}>
                  <Markdown text={m.content} />
                </Suspense>
              ) : streaming && i === state.messages.length - 1 && !m.images?.length ? <span className="cursor" /> : null}
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
