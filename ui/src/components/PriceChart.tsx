/**
 * Score against blended price (log scale: prices span orders of magnitude), one dot a
 * priced model, and the Pareto front the server computed: the best score each price
 * buys, as a step line through its models.
 */
import type { LeaderboardRow } from "../lib/api";

const W = 720;
const H = 320;
const PAD = { left: 56, right: 24, top: 16, bottom: 40 };

export function PriceChart({ rows, front }: { rows: LeaderboardRow[]; front: string[] }) {
  const priced = rows.filter((r) => r.price_blended_per_mtok != null && r.price_blended_per_mtok > 0);
  if (priced.length === 0) return null;
  const prices = priced.map((r) => r.price_blended_per_mtok as number);
  const scores = priced.map((r) => r.score);
  const lx = Math.log10(Math.min(...prices));
  const hx = Math.log10(Math.max(...prices));
  const spanX = hx - lx || 1;
  const ly = Math.min(...scores);
  const hy = Math.max(...scores);
  const spanY = hy - ly || 1;
  const x = (p: number) => PAD.left + ((Math.log10(p) - lx + spanX * 0.05) / (spanX * 1.1)) * (W - PAD.left - PAD.right);
  const y = (s: number) => PAD.top + (1 - (s - ly + spanY * 0.05) / (spanY * 1.1)) * (H - PAD.top - PAD.bottom);
  const onFront = new Set(front);
  const frontRows = front
    .map((name) => priced.find((r) => r.model === name))
    .filter((r): r is LeaderboardRow => r !== undefined);
  const path = frontRows
    .map((r, i) => {
      const px = x(r.price_blended_per_mtok as number);
      const py = y(r.score);
      if (i === 0) return `M${px},${py}`;
      const prev = frontRows[i - 1];
      return `L${px},${y(prev.score)} L${px},${py}`;
    })
    .join(" ");
  const ticks: number[] = [];
  for (let e = Math.floor(lx); e <= Math.ceil(hx); e += 1) ticks.push(10 ** e);
  return (
    <div className="chart-wrap">
      <svg
        className="price-chart"
        data-testid="price-chart"
        width="100%"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label="Score against price per million tokens, with the Pareto front"
      >
        {ticks.map((t) => (
          <g key={t}>
            <line className="grid" x1={x(t)} x2={x(t)} y1={PAD.top} y2={H - PAD.bottom} />
            <text className="tick" x={x(t)} y={H - PAD.bottom + 16} textAnchor="middle">
              ${t}
            </text>
          </g>
        ))}
        <text className="tick" x={W / 2} y={H - 6} textAnchor="middle">
          $ per million tokens (3 prompt : 1 completion, log scale)
        </text>
        <text className="tick" x={12} y={PAD.top + 4}>
          score
        </text>
        {path ? <path className="pareto" data-testid="pareto-front" d={path} fill="none" /> : null}
        {priced.map((r) => (
          <g key={r.model} className={onFront.has(r.model) ? "on-front" : undefined} data-testid="price-dot">
            <title>{`${r.model}: ${r.score.toFixed(0)} at $${(r.price_blended_per_mtok as number).toFixed(2)} / M tokens`}</title>
            <circle className="dot" cx={x(r.price_blended_per_mtok as number)} cy={y(r.score)} r={onFront.has(r.model) ? 5.5 : 4} />
            <text className="label" x={x(r.price_blended_per_mtok as number) + 8} y={y(r.score) + 4}>
              {r.model}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}
