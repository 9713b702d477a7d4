import { DeprecatedBadge } from "../components/DeprecatedBadge";
import { useEffect, useState } from "react";
import { ErrorBanner } from "../components/ErrorBanner";
import { ApiError } from "../lib/api";
import { getCategories, getOverview, tagLabel, type CategoriesMeta, type Overview } from "../lib/categoriesApi";

/** Cell colour: rank 1 strongest, fading with rank (the "arena overview" heatmap). */
function heat(rank: number | null | undefined, models: number): string | undefined {
  if (rank === null || rank === undefined) return undefined;
  const t = models > 1 ? (rank - 1) / (models - 1) : 0;
  return `hsl(${Math.round(140 - 140 * t)} 70% ${Math.round(42 + 40 * t)}% / 0.35)`;
}

export function OverviewPage() {
  const [data, setData] = useState<Overview | null>(null);
  const [meta, setMeta] = useState<CategoriesMeta | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    getOverview(ctrl.signal)
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e) => {
        if (!ctrl.signal.aborted) setError(e instanceof ApiError ? e.message : "Could not load the overview.");
      });
    getCategories(ctrl.signal)
      .then(setMeta)
      .catch(() => setMeta(null));
    return () => ctrl.abort();
  }, []);

  const experimental = new Map((meta?.tags ?? []).filter((t) => t.experimental).map((t) => [t.name, t.f1]));
  const columns = data?.categories ?? [];
  const rows = data?.models ?? [];
  return (
    <>
      <div className="page-intro">
        <h1>Arena overview</h1>
        <p>
          Each model's rank in each category. An empty cell: fewer than {data?.min_votes ?? "the minimum"} votes there. Columns marked * come from
          an experimental classifier (held-out F1 below 0.80).
        </p>
      </div>
      <ErrorBanner message={error} />
      <div className="card table-card">
        <div className="table-scroll">
          <table className="lb-table overview-table" data-testid="overview-table">
            <thead>
              <tr>
                <th scope="col">Model</th>
                {columns.map((c) => (
                  <th
                    key={c}
                    scope="col"
                    className="num"
                    data-testid="overview-column"
                    data-category={c}
                    title={experimental.has(c) ? `Experimental: held-out F1 ${experimental.get(c)?.toFixed(2)}` : undefined}
                  >
                    <a href={`#/leaderboard?category=${encodeURIComponent(c)}`}>{tagLabel(c)}</a>
                    {experimental.has(c) ? "*" : ""}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.model} data-testid="overview-row" data-model={r.model}>
                  <th scope="row" className="model-cell">
                    {r.model}
                    {r.deprecated_at ? <> <DeprecatedBadge at={r.deprecated_at} /></> : null}
                  </th>
                  {columns.map((c) => (
                    <td key={c} className="num" data-category={c} style={{ background: heat(r.ranks[c], rows.length) }}>
                      {r.ranks[c] ?? "—"}
                    </td>
                  ))}
                </tr>
              ))}
              {data && rows.length === 0 ? (
                <tr>
                  <td colSpan={columns.length + 1} className="empty">
                    No votes yet.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}
