/**
 * Scores with their 95% intervals: one row per model, sorted by score, a dot
 * for the score and a whisker for the interval. Drawn at the container's real
 * pixel width; below STACK_BELOW pixels each name sits on its own line above its
 * whisker, so a phone shows whole names and nothing is clipped at the edges.
 */
import { useLayoutEffect, useRef, useState } from "react";
import type { LeaderboardRow } from "../lib/api";

const ROW = 26;
const STACKED_ROW = 42;
const STACK_BELOW = 560;
const TOP = 8;
const AXIS = 30;
/** A generous average glyph width at the chart's 12.5px font, so estimates err short. */
const CHAR_W = 7.6;

function niceStep(range: number, target: number) {
  const raw = range / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
  return step * mag;
}

export function ScoreChart({ rows }: { rows: LeaderboardRow[] }) {
  const wrap = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(720);
  useLayoutEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(280, Math.floor(el.clientWidth)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  if (rows.length === 0) return null;
  const sorted = [...rows].sort((x, y) => y.score - x.score);
  const lo = Math.min(...sorted.map((r) => r.ci_lower ?? r.score));
  const hi = Math.max(...sorted.map((r) => r.ci_upper ?? r.score));
  const pad = Math.max(5, (hi - lo) * 0.06);
  const stacked = width < STACK_BELOW;
  const rowH = stacked ? STACKED_ROW : ROW;
  // Room for the longest name, up to 40% of the width (longer names are shortened, with the
  // full name in the row's tooltip).
  const longest = Math.max(...sorted.map((r) => r.model.length));
  const labelW = stacked ? 0 : Math.min(Math.floor(width * 0.4), Math.max(120, Math.ceil(longest * CHAR_W) + 26));
  // The outermost tick labels are centred on the plot's ends: leave them room.
  const left = stacked ? 22 : labelW;
  const right = 22;
  const plotW = width - left - right;
  // About one tick per 80px keeps the axis readable at any width.
  const step = niceStep(hi - lo + 2 * pad, Math.max(2, Math.floor(plotW / 80)));
  const min = Math.floor((lo - pad) / step) * step;
  const max = Math.ceil((hi + pad) / step) * step;
  const x = (v: number) => left + ((v - min) / (max - min || 1)) * plotW;
  const height = TOP + sorted.length * rowH + AXIS;
  const ticks: number[] = [];
  for (let t = min; t <= max + step / 2; t += step) ticks.push(Math.round(t * 1000) / 1000);
  const maxChars = Math.floor(((stacked ? width : labelW) - 16) / CHAR_W);

  return (
    <div className="chart-wrap" ref={wrap}>
      <svg
        className="score-chart"
        data-testid="score-chart"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label="Model scores with 95% confidence intervals"
      >
        {ticks.map((t) => (
          <g key={t}>
            <line className="grid" x1={x(t)} x2={x(t)} y1={TOP} y2={TOP + sorted.length * rowH} />
            <text className="tick" x={x(t)} y={TOP + sorted.length * rowH + 18} textAnchor="middle">
              {t}
            </text>
          </g>
        ))}
        {sorted.map((r, i) => {
          const top = TOP + i * rowH;
          const cy = stacked ? top + 29 : top + ROW / 2;
          const l = r.ci_lower ?? r.score;
          const u = r.ci_upper ?? r.score;
          const name = r.model.length > maxChars ? `${r.model.slice(0, Math.max(1, maxChars - 1))}…` : r.model;
          return (
            <g key={r.model} className={`chart-row${r.deprecated ? " deprecated" : ""}${r.provisional ? " provisional" : ""}`}>
              <title>{`${r.model}: ${r.score.toFixed(1)} (95% CI ${l.toFixed(1)} – ${u.toFixed(1)})`}</title>
              {i % 2 === 0 ? <rect className="band" x={0} y={top} width={width} height={rowH} /> : null}
              {stacked ? (
                <text className="label" x={8} y={top + 15} textAnchor="start">
                  {name}
                </text>
              ) : (
                <text className="label" x={labelW - 10} y={cy + 4} textAnchor="end">
                  {name}
                </text>
              )}
              <line className="whisker" x1={x(l)} x2={x(u)} y1={cy} y2={cy} />
              <line className="whisker-cap" x1={x(l)} x2={x(l)} y1={cy - 5} y2={cy + 5} />
              <line className="whisker-cap" x1={x(u)} x2={x(u)} y1={cy - 5} y2={cy + 5} />
              <circle className="dot" cx={x(r.score)} cy={cy} r={4.5} />
            </g>
          );
        })}
      </svg>
    </div>
  );
}
