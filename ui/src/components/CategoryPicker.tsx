import { useEffect, useState } from "react";
import { getCategories, LANGUAGE_PREFIX, languageLabel, tagLabel, type CategoriesMeta } from "../lib/categoriesApi";

const GROUPS: { kind: string; label: string }[] = [
  { kind: "task", label: "Task" },
  { kind: "occupational", label: "Occupation" },
  { kind: "structural", label: "Conversation" },
  { kind: "imported", label: "From imported data" },
];

/**
 * Which board to show: overall, a category, or a language. A tag whose classifier
 * missed 0.8 F1 on the held-out prompts is marked experimental, with its figure.
 */
export function CategoryPicker({
  value,
  onChange,
  boardCategories = [],
}: {
  value: string;
  onChange: (v: string) => void;
  /** The board's own category list: shown too when the tag list lacks one (e.g. imported tags). */
  boardCategories?: Array<string | { name?: string; id?: string; label?: string }>;
}) {
  const [meta, setMeta] = useState<CategoriesMeta | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    getCategories(ctrl.signal)
      .then(setMeta)
      .catch(() => setMeta(null)); // the plain board still works without the tag list
    return () => ctrl.abort();
  }, []);

  const tags = meta?.tags ?? [];
  const others = boardCategories
    .map((c) => (typeof c === "string" ? { value: c, label: tagLabel(c) } : { value: c.id ?? c.name ?? "", label: c.label ?? c.name ?? "" }))
    .filter((c) => c.value && c.value !== "overall" && !tags.some((t) => t.name === c.value));
  const selected = tags.find((t) => t.name === value);
  const isLanguage = value.startsWith(LANGUAGE_PREFIX);
  const note = selected?.experimental
    ? `Experimental: the classifier for this tag scored F1 ${selected.f1?.toFixed(2)} on held-out prompts (target 0.80).`
    : isLanguage && meta?.language_experimental
      ? `Experimental: language accuracy ${meta.language_accuracy.toFixed(2)} on held-out prompts.`
      : null;

  return (
    <div className="category-picker">
      <label className="model-select">
        <span>Category</span>
        <select value={value} onChange={(e) => onChange(e.target.value)} data-testid="category-select">
          <option value="overall">Overall</option>
          {!tags.some((t) => t.name === value) && !others.some((o) => o.value === value) && value !== "overall" && !isLanguage ? (
            <option value={value}>{tagLabel(value)}</option>
          ) : null}
          {GROUPS.map((g) => {
            const items = tags.filter((t) => t.kind === g.kind);
            return items.length ? (
              <optgroup key={g.kind} label={g.label}>
                {items.map((t) => (
                  <option key={t.name} value={t.name} data-experimental={t.experimental ? "true" : undefined}>
                    {tagLabel(t.name)}
                    {t.experimental ? ` (experimental, F1 ${t.f1?.toFixed(2)})` : ""}
                  </option>
                ))}
              </optgroup>
            ) : null;
          })}
          {others.length ? (
            <optgroup label="Other">
              {others.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </optgroup>
          ) : null}
          {meta?.languages.length ? (
            <optgroup label="Language">
              {meta.languages.map((code) => (
                <option key={code} value={LANGUAGE_PREFIX + code}>
                  {languageLabel(code)}
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
      </label>
      {note ? (
        <span className="badge badge-prov" role="note" data-testid="category-experimental">
          {note}
        </span>
      ) : null}
      {value !== "overall" && meta ? (
        <span className="category-min" data-testid="category-min-votes">
          Models with fewer than {meta.min_votes} votes here are not ranked.
        </span>
      ) : null}
    </div>
  );
}

/** ▲ n when a model ranks higher on this board than overall, ▼ n when lower. */
export function RankChange({ change }: { change?: number | null }) {
  if (change === undefined || change === null || change === 0) return null;
  const up = change > 0;
  return (
    <span
      className={`rank-change ${up ? "up" : "down"}`}
      data-testid="rank-change"
      title={`${Math.abs(change)} place${Math.abs(change) === 1 ? "" : "s"} ${up ? "higher" : "lower"} than overall`}
    >
      {up ? "▲" : "▼"}
      {Math.abs(change)}
    </span>
  );
}
