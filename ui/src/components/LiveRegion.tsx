/**
 * A visually hidden polite live region. It is always in the page (empty until there is
 * news), because screen readers announce changes to a region that already exists, not a
 * region that appears with its text.
 */
export function LiveRegion({ message, testId }: { message: string; testId?: string }) {
  return (
    <p className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid={testId}>
      {message}
    </p>
  );
}

/** A model's name as read aloud: "name (organization)". */
export function spokenName(m: { name: string; organization?: string | null }): string {
  return m.organization ? `${m.name} (${m.organization})` : m.name;
}
