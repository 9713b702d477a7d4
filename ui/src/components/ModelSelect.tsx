import type { PublicModel } from "../lib/api";

interface Props {
  id: string;
  label: string;
  value: string;
  models: PublicModel[];
  onChange: (v: string) => void;
  testId: string;
  disabled?: boolean;
}

export function ModelSelect({ id, label, value, models, onChange, testId, disabled }: Props) {
  return (
    <label className="model-select" htmlFor={id}>
      <span>{label}</span>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} disabled={disabled || models.length === 0}>
        {models.length === 0 ? <option value="">No models available</option> : null}
        {models.map((m) => (
          // The name alone: a phone-wide picker holds the longest built-in name whole, and
          // the pane under it shows the organization.
          <option key={m.name} value={m.name}>
            {m.name}
          </option>
        ))}
      </select>
    </label>
  );
}
