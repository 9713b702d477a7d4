import { useEffect, useMemo, useState } from "react";
import { CategoryPicker, RankChange } from "../components/CategoryPicker";
import { ErrorBanner } from "../components/ErrorBanner";
import { PriceChart } from "../components/PriceChart";
import { ScoreChart } from "../components/ScoreChart";
import { ArenaPicker } from "../components/ArenaPicker";
import { WaitingNote } from "../components/WaitingNote";
import { DeprecatedBadge } from "../components/DeprecatedBadge";
import { BoardDownloads } from "../components/BoardDownloads";
import { ApiError, DEFAULT_ARENA, type Arena, type Leaderboard, type LeaderboardRow } from "../lib/api";
import { getBoard, type RankedRow } from "../lib/categoriesApi";

type SortKey =
  | "rank"
  | "spread"
  | "model"
  | "score"
  | "ci"
  | "votes"
  | "price"
  | "ttft"
  | "speed"
  | "organization"
  | "license";

const COLUMNS: { key: SortKey; label: string; numeric?: boolean; title?: string }[] = [
  { key: "rank", label: "Rank (UB)", numeric: true, title: "1 + the number of models that are statistically better" },
  { key: "spread", label: "Rank spread", numeric: true, title: "Every rank from the best to the worst the 95% intervals allow" },
  { key: "model", label: "Model" },
  { key: "score", label: "Score", numeric: true },
  { key: "ci", label: "95% CI", numeric: true, title: "Bootstrap 95% confidence interval" },
  { key: "votes", label: "Votes", numeric: true },
  { key: "price", label: "$ / M tokens", numeric: true, title: "Registry price per million tokens, 3 prompt : 1 completion" },
  { key: "ttft", label: "First token", numeric: true, title: "Median time to the first token of recent replies" },
  { key: "speed", label: "Tokens/s", numeric: true, title: "Median completion tokens per second after the first token" },
  { key: "organization", label: "Organization" },
  { key: "license", label: "License" },
];

function sortValue(r: LeaderboardRow, key: SortKey): number | string {
  switch (key) {
    case "rank":
      return r.rank_ub ?? r.rank ?? Number.POSITIVE_INFINITY; // not yet rated: last
    case "spread":
      return (r.rank_lb ?? Number.POSITIVE_INFINITY) - (r.rank_ub ?? 0);
    case "price":
      return r.price_blended_per_mtok ?? Number.POSITIVE_INFINITY;
    case "ttft":
      return r.median_ttft_ms ?? Number.POSITIVE_INFINITY;
    case "speed":
      return -(r.median_tokens_per_s ?? Number.NEGATIVE_INFINITY);
    case "model":
      return r.model.toLowerCase();
    case "score":
      return r.score;
    case "ci":
      return (r.ci_upper ?? r.score) - (r.ci_lower ?? r.score);
    case "votes":
      return r.votes ?? 0;
    case "organization":
      return (r.organization ?? "").toLowerCase();
    case "license":
      return (r.license ?? "").toLowerCase();
  }
}

function formatTime(s: string | null | undefined) {
  if (!s) return "—";
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toLocaleString();
}

export function LeaderboardPage({ initialCategory = "overall" }: { initialCategory?: string }) {
  const [arena, setArena] = useState<Arena>(DEFAULT_ARENA);
  const [category, setCategory] = useState(initialCategory);
  const [styleControl, setStyleControl] = useState(false);
  const [reweighted, setReweighted] = useState(false);
  const [byLower, setByLower] = useState(false);
  const [data, setData] = useState<Leaderboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [sort, setSort] = useState<{ key: SortKey; asc: boolean }>({ key: "rank", asc: true });
  const [reload, setReload] = useState(0);

  // Keep the address in step with the chosen category, so it can be copied and reloaded
  // (replaceState: no hashchange, so the page is not rebuilt).
  useEffect(() => {
    const want = category === "overall" ? "#/leaderboard" : `#/leaderboard?category=${encodeURIComponent(category)}`;
    if (window.location.hash !== want) window.history.replaceState(window.history.state, "", want);
  }, [category]);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    getBoard(category, styleControl, ctrl.signal, arena, { reweighted, order: byLower ? "lower" : "rank" })
      .then((d) => {
        setData({ ...d, models: Array.isArray(d.models) ? d.models : [] });
        setError(null);
      })
      .catch((e) => {
        if (ctrl.signal.aborted) return;
        setError(e instanceof ApiError ? e.message : "Could not load the leaderboard.");
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, [category, styleControl, reload, arena, reweighted, byLower]);

  const rows = useMemo(() => data?.models ?? [], [data]);
  const shown = useMemo(() => optionalColumns(rows), [rows]);
  const columns = useMemo(() => COLUMNS.filter((c) => !OPTIONAL.includes(c.key) || shown.has(c.key)), [shown]);
  const sorted = useMemo(() => {
    const out = [...rows];
    // By lower bound: the server's order (it sorts each group by the interval's lower bound).
    if (byLower && sort.key === "rank" && sort.asc) return out;
    out.sort((x, y) => {
      const a = sortValue(x, sort.key);
      const b = sortValue(y, sort.key);
      const c = typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
      const tie = c === 0 ? y.score - x.score : 0; // stable, best first
      return sort.asc ? c || tie : -c || tie;
    });
    return out;
  }, [rows, sort, byLower]);

  const extent = useMemo(() => {
    if (!rows.length) return { lo: 0, hi: 1 };
    const lo = Math.min(...rows.map((r) => r.ci_lower ?? r.score));
    const hi = Math.max(...rows.map((r) => r.ci_upper ?? r.score));
    return { lo, hi: hi > lo ? hi : lo + 1 };
  }, [rows]);

  // Offered only when the server says it can (a toggle that does nothing would mislead).
  const showStyle = data?.style_control_available === true || styleControl;

  const onSort = (key: SortKey) =>
    setSort((s) => (s.key === key ? { key, asc: !s.asc } : { key, asc: key === "rank" || key === "model" || key === "organization" || key === "license" }));

  return (
    <>
      <div className="page-intro">
        <h1>Leaderboard</h1>
        <p>Bradley–Terry scores from people's votes, with bootstrap 95% intervals. Rank (UB) is 1 + the number of models clearly better. <a href="#/my-board" data-testid="my-board-link">My leaderboard</a></p>
      </div>
      <ArenaPicker
        value={arena}
        onChange={(next) => {
          // Each arena has its own categories, and image arenas no style control.
          setArena(next);
          setCategory("overall");
          setStyleControl(false);
        }}
        label="Leaderboard arena"
      />
      <div className="controls lb-controls">
        <CategoryPicker value={category} onChange={setCategory} boardCategories={data?.categories} />
        {showStyle ? (
          <label className="toggle">
            <input type="checkbox" checked={styleControl} onChange={(e) => setStyleControl(e.target.checked)} data-testid="style-control-toggle" />
            <span>Style control</span>
          </label>
        ) : null}
        <label className="toggle" title="Weigh each vote by the inverse of how often its pair met (LMArena's default since July 2025)">
          <input type="checkbox" checked={reweighted} onChange={(e) => setReweighted(e.target.checked)} data-testid="reweighted-toggle" />
          <span>Reweighted</span>
        </label>
        <label className="toggle" title="Order by the lower end of each 95% interval">
          <input type="checkbox" checked={byLower} onChange={(e) => setByLower(e.target.checked)} data-testid="order-lower-toggle" />
          <span>Sort by lower bound</span>
        </label>
        <div className="lb-meta" data-testid="leaderboard-meta">
          <span>
            <strong data-testid="total-votes">{(data?.total_votes ?? 0).toLocaleString()}</strong> votes
            {(data?.all_votes ?? 0) > (data?.total_votes ?? 0) ? (
              <span data-testid="all-votes"> shown, of {(data?.all_votes ?? 0).toLocaleString()}</span>
            ) : null}
          </span>
          {data?.min_votes ? (
            <span data-testid="min-votes" title={(data.too_few_votes ?? []).join(", ") || undefined}>
              shown from {data.min_votes} votes
              {data.too_few_votes?.length ? ` (${data.too_few_votes.length} not yet)` : ""}
            </span>
          ) : null}
          {data?.pending?.votes ? (
            <span data-testid="pending-votes" title="Votes from new identities count once the identity has a history">
              + {data.pending.votes.toLocaleString()} pending
            </span>
          ) : null}
          {data?.pending?.held_for_review ? (
            <span data-testid="held-for-review" title="Votes on a model whose pooled record looked rigged, held until a reviewer decides">
              + {data.pending.held_for_review.toLocaleString()} held for review
            </span>
          ) : null}
          <span>
            Updated <time dateTime={data?.computed_at ?? undefined}>{formatTime(data?.computed_at)}</time>
          </span>
          <button type="button" className="btn btn-small" onClick={() => setReload((n) => n + 1)} data-testid="leaderboard-refresh">
            Refresh
          </button>
        </div>
      </div>
      <ErrorBanner message={error} />
      {data?.disconnected ? (
        <p className="notice" data-testid="disconnected-note">
          Some models never met the others: the board has {data.components} separate groups, and scores compare only within a group.
        </p>
      ) : null}
      {rows.length > 0 ? (
        <BoardDownloads data={data} arena={arena} category={category} styleControl={styleControl} />
      ) : null}
      <div className={`card table-card${loading ? " loading" : ""}`}>
        <div className="table-scroll">
          <table className="lb-table" data-testid="leaderboard-table">
            <thead>
              <tr>
                {columns.map((c) => (
                  <th
                    key={c.key}
                    className={c.numeric ? "num" : undefined}
                    aria-sort={sort.key === c.key ? (sort.asc ? "ascending" : "descending") : "none"}
                    title={c.title}
                  >
                    <button type="button" className="sort" onClick={() => onSort(c.key)} data-testid={`sort-${c.key}`}>
                      {c.label}
                      <span className="sort-ind" aria-hidden="true">
                        {sort.key === c.key ? (sort.asc ? "▲" : "▼") : "↕"}
                      </span>
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sorted.map((r) => (
                <Row key={r.model} r={r} lo={extent.lo} hi={extent.hi} shown={shown} />
              ))}
              {!loading && rows.length === 0 && !error ? (
                <tr>
                  <td colSpan={columns.length} className="empty" data-testid="leaderboard-empty">
                    <WaitingNote data={data} empty category={category} />
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </div>
      {rows.length > 0 && data?.waiting?.length ? (
        <p className="board-note">
          <WaitingNote data={data} empty={false} category={category} />
        </p>
      ) : null}
      {rows.length > 0 ? (
        <div className="card chart-card">
          <h2>Score and 95% interval</h2>
          <ScoreChart rows={rows} />
        </div>
      ) : null}
      {rows.some((r) => r.price_blended_per_mtok != null) ? (
        <div className="card chart-card">
          <h2>Score and price</h2>
          <PriceChart rows={rows} front={data?.pareto_front ?? []} />
        </div>
      ) : null}
    </>
  );
}

/** Price and speed columns appear only when some model has the number: a column of
 * dashes says nothing and would push the table past a laptop's width. */
function optionalColumns(rows: LeaderboardRow[]): Set<SortKey> {
  const shown = new Set<SortKey>();
  if (rows.some((r) => r.price_blended_per_mtok != null)) shown.add("price");
  if (rows.some((r) => r.median_ttft_ms != null)) shown.add("ttft");
  if (rows.some((r) => r.median_tokens_per_s != null)) shown.add("speed");
  return shown;
}

const OPTIONAL: SortKey[] = ["price", "ttft", "speed"];

function Row({ r, lo, hi, shown }: { r: LeaderboardRow; lo: number; hi: number; shown: Set<SortKey> }) {
  const l = r.ci_lower ?? r.score;
  const u = r.ci_upper ?? r.score;
  const plus = u - r.score;
  const minus = r.score - l;
  // A null bound means the votes do not bound the score: say so, never "+0/−0".
  const unknown = r.ci_lower == null || r.ci_upper == null;
  const pct = (v: number) => `${(((v - lo) / (hi - lo)) * 100).toFixed(2)}%`;
  return (
    <tr
      data-testid="leaderboard-row"
      data-model={r.model}
      className={`${r.deprecated ? "deprecated" : ""}${r.provisional ? " provisional" : ""}`.trim() || undefined}
    >
      <td className="num rank" data-label="Rank" title={r.note ?? undefined}>
        {r.rank_ub ?? r.rank ?? "—"}
        <RankChange change={(r as RankedRow).rank_change} />
      </td>
      <td className="num spread" data-label="Rank spread" data-testid="rank-spread">
        {r.rank_ub != null && r.rank_lb != null ? (r.rank_lb > r.rank_ub ? `${r.rank_ub}–${r.rank_lb}` : String(r.rank_ub)) : "—"}
      </td>
      <td className="model-cell">
        <span className="model-name">{r.model}</span>
        {r.provisional ? (
          <span className="badge badge-prov" title="Few votes so far; the score may move a lot" data-testid="badge-provisional">
            provisional
          </span>
        ) : null}
        {r.deprecated ? <DeprecatedBadge at={r.deprecated_at} /> : null}
      </td>
      {/* data-label: on a phone each row is a card and the cells carry their own labels. */}
      <td className="num score" data-label="Score">{r.score.toFixed(0)}</td>
      <td className="num ci-cell" data-label="95% CI" title={`${l.toFixed(1)} – ${u.toFixed(1)}`}>
        <div className="ci">
          <span className="ci-text" title={unknown ? (r.note ?? "interval unknown") : undefined}>
            {unknown ? "unknown" : `+${plus.toFixed(0)}/−${minus.toFixed(0)}`}
          </span>
          <span className="whisker-mini" aria-hidden="true">
            <span className="w-line" style={{ left: pct(l), width: `calc(${pct(u)} - ${pct(l)})` }} />
            <span className="w-dot" style={{ left: pct(r.score) }} />
          </span>
        </div>
      </td>
      <td className="num votes" data-label="Votes">{(r.votes ?? 0).toLocaleString()}</td>
      {shown.has("price") ? (
        <td className="num price" data-label="$ / M tokens" data-testid="price">
          {r.price_blended_per_mtok != null ? `$${r.price_blended_per_mtok.toFixed(2)}` : "—"}
        </td>
      ) : null}
      {shown.has("ttft") ? (
        <td className="num ttft" data-label="First token" data-testid="ttft">
          {r.median_ttft_ms != null ? `${(r.median_ttft_ms / 1000).toFixed(2)} s` : "—"}
        </td>
      ) : null}
      {shown.has("speed") ? (
        <td className="num speed" data-label="Tokens/s" data-testid="tokens-per-s">
          {r.median_tokens_per_s != null ? r.median_tokens_per_s.toFixed(0) : "—"}
        </td>
      ) : null}
      <td className="org" data-label="Organization">{r.organization || "—"}</td>
      <td className="license" data-label="License">{r.license || "—"}</td>
    </tr>
  );
}
