/** Download a board (CSV or JSON, as shown) and the votes behind it (CSV, from the server). */
import type { Arena, Leaderboard } from "../lib/api";

interface Props {
  data: Leaderboard | null;
  arena: Arena;
  category: string;
  styleControl: boolean;
}

const COLUMNS = ["rank", "rank_ub", "model", "score", "ci_lower", "ci_upper", "votes", "organization", "license"] as const;

function cell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function save(name: string, type: string, body: string) {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function BoardDownloads({ data, arena, category, styleControl }: Props) {
  const base = `arena-${arena}-${category}${styleControl ? "-style" : ""}`;
  const query = new URLSearchParams({ arena, category }).toString();
  const disabled = !data || data.models.length === 0;
  const csv = () => {
    if (!data) return;
    const lines = [COLUMNS.join(","), ...data.models.map((r) => COLUMNS.map((c) => cell(r[c])).join(","))];
    save(`${base}-board.csv`, "text/csv", lines.join("\n") + "\n");
  };
  const json = () => data && save(`${base}-board.json`, "application/json", JSON.stringify(data, null, 2));
  return (
    <div className="board-downloads" role="group" aria-label="Download" data-testid="board-downloads">
      <span className="muted">Download:</span>
      <button type="button" className="btn btn-small" onClick={csv} disabled={disabled} data-testid="download-board-csv">
        Board (CSV)
      </button>
      <button type="button" className="btn btn-small" onClick={json} disabled={disabled} data-testid="download-board-json">
        Board (JSON)
      </button>
      <a className="btn btn-small" href={`/api/v1/leaderboard/votes?${query}`} download={`${base}-votes.csv`} data-testid="download-votes">
        Votes behind it (CSV)
      </a>
    </div>
  );
}
