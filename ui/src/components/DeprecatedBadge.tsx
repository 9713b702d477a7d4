/** "deprecated since <date>": a deprecated model stays on the board, marked, with the date. */

interface Props {
  /** When the model was deprecated (ISO), if the server said. */
  at?: string | null;
}

export function DeprecatedBadge({ at }: Props) {
  const day = at ? at.slice(0, 10) : null;
  return (
    <span
      className="badge badge-dep"
      title={`No longer in new battles${day ? ` since ${day}` : ""}; its votes stay on the board`}
      data-testid="badge-deprecated"
    >
      deprecated{day ? <> since <time dateTime={day}>{day}</time></> : null}
    </span>
  );
}
