import { useCallback, useEffect, useState } from "react";
import { ShareControls } from "../components/ShareControls";
import { ErrorBanner } from "../components/ErrorBanner";
import { streamTurn } from "../lib/api";
import { deleteAllBattles, deleteBattle, listHistory, type HistoryItem } from "../lib/meApi";

const MODE_LABELS: Record<HistoryItem["mode"], string> = {
  anonymous: "Battle",
  side_by_side: "Side-by-side",
  direct: "Direct chat",
};

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** The requester's past battles and chats: search, open, continue, delete. */
export function HistoryPage() {
  const [query, setQuery] = useState("");
  const [applied, setApplied] = useState("");
  const [items, setItems] = useState<HistoryItem[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    listHistory(applied, null)
      .then((page) => {
        if (!live) return;
        setItems(page.battles);
        setNext(page.next);
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [applied, reload]);

  const more = useCallback(() => {
    if (!next) return;
    listHistory(applied, next)
      .then((page) => {
        setItems((cur) => [...cur, ...page.battles]);
        setNext(page.next);
      })
      .catch((e: Error) => setError(e.message));
  }, [applied, next]);

  const remove = useCallback((battleId: string) => {
    deleteBattle(battleId)
      .then(() => {
        setItems((cur) => cur.filter((b) => b.battle_id !== battleId));
        setOpenId(null);
      })
      .catch((e: Error) => setError(e.message));
  }, []);

  const removeAll = useCallback(() => {
    if (!window.confirm("Delete all your battles and chats? This cannot be undone.")) return;
    deleteAllBattles()
      .then(() => {
        setItems([]);
        setNext(null);
        setOpenId(null);
      })
      .catch((e: Error) => setError(e.message));
  }, []);

  const open = items.find((b) => b.battle_id === openId) ?? null;
  return (
    <>
      <div className="page-intro">
        <h1>History</h1>
        <p>Your battles and chats on this browser (or account), newest first. Deleted ones also leave future data releases.</p>
      </div>
      <ErrorBanner message={error} onClose={() => setError(null)} />
      <div className="history">
        <aside className="history-list card" aria-label="Past battles">
          <form
            className="history-search"
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              setOpenId(null);
              setApplied(query);
            }}
          >
            <label htmlFor="history-q">Search prompts and replies</label>
            <input id="history-q" type="search" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="history-search" />
            <button type="submit" className="btn btn-small">Search</button>
          </form>
          {items.length === 0 ? <p data-testid="history-empty">{applied ? "Nothing matches." : "No battles yet."}</p> : null}
          <ul>
            {items.map((b) => (
              <li key={b.battle_id}>
                <button
                  type="button"
                  className={b.battle_id === openId ? "history-item active" : "history-item"}
                  aria-current={b.battle_id === openId ? "true" : undefined}
                  onClick={() => setOpenId(b.battle_id)}
                  data-testid="history-item"
                  data-battle-id={b.battle_id}
                >
                  <span className="history-title">{b.prompts[0] ?? "(no prompt yet)"}</span>
                  <small>
                    {MODE_LABELS[b.mode]} · {when(b.created_at)}
                  </small>
                </button>
              </li>
            ))}
          </ul>
          {next ? (
            <button type="button" className="btn btn-small" onClick={more} data-testid="history-more">
              More
            </button>
          ) : null}
          {items.length > 0 ? (
            <button type="button" className="btn btn-small" onClick={removeAll} data-testid="history-delete-all">
              Delete all
            </button>
          ) : null}
        </aside>
        <section className="history-view" aria-live="polite">
          {open ? (
            <HistoryView key={open.battle_id} item={open} onDelete={remove} onChanged={() => setReload((n) => n + 1)} />
          ) : (
            <p>Choose a battle to read it.</p>
          )}
        </section>
      </div>
    </>
  );
}

function HistoryView({ item, onDelete, onChanged }: { item: HistoryItem; onDelete: (id: string) => void; onChanged: () => void }) {
  const sides = Object.keys(item.sides).sort();
  const canContinue = item.mode !== "anonymous" && item.status !== "failed";
  const [prompt, setPrompt] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const send = () => {
    if (!prompt.trim()) return;
    setBusy(true);
    setError(null);
    streamTurn(item.battle_id, prompt, (e) => {
      if ("error" in e) setError(e.error);
    })
      .then(() => {
        setPrompt("");
        onChanged();
      })
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  };
  return (
    <article className="card" data-testid="history-view">
      <header className="history-view-head">
        <h2>{MODE_LABELS[item.mode]}</h2>
        <small>
          {when(item.created_at)}
          {item.winner ? ` · vote: ${item.winner.replace("_", " ")}` : ""}
        </small>
        <button type="button" className="btn btn-small" onClick={() => onDelete(item.battle_id)} data-testid="history-delete">
          Delete
        </button>
      </header>
      {item.prompts.map((p, turn) => (
        <div key={turn} className="history-turn">
          <p className="history-prompt">
            <strong>You:</strong> {p}
          </p>
          <div className={sides.length > 1 ? "history-replies two" : "history-replies"}>
            {sides.map((s) => (
              <div key={s} className="history-reply" data-testid={`history-reply-${s}`}>
                <strong>{item.sides[s].model ?? `Model ${s.toUpperCase()}`}</strong>
                <p>{item.sides[s].replies[turn] ?? ""}</p>
              </div>
            ))}
          </div>
        </div>
      ))}
      {/* Share a past battle as the battle page does: an anonymous one once it is voted. */}
      {item.mode !== "anonymous" || item.winner ? <ShareControls battleId={item.battle_id} sharedUrl={item.share_url} /> : null}
      {item.mode === "anonymous" ? (
        <p className="muted">{item.winner ? "Voted battles stay closed; start a new battle to ask again." : "Open anonymous battles continue on the Battle page."}</p>
      ) : null}
      <ErrorBanner message={error} onClose={() => setError(null)} />
      {canContinue ? (
        <form
          className="history-continue"
          onSubmit={(e) => {
            e.preventDefault();
            send();
          }}
        >
          <label htmlFor="history-continue">Continue this chat</label>
          <textarea id="history-continue" value={prompt} onChange={(e) => setPrompt(e.target.value)} disabled={busy} data-testid="history-continue" />
          <button type="submit" className="btn" disabled={busy || !prompt.trim()} data-testid="history-send">
            {busy ? "Sending…" : "Send"}
          </button>
        </form>
      ) : null}
    </article>
  );
}
