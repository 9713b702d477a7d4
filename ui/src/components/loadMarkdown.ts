/** Loads the Markdown renderer chunk once; main.tsx starts it early. */
let pending: Promise<{ default: typeof import("./Markdown").Markdown }> | null = null;

export function loadMarkdown() {
  pending ??= import("./Markdown").then((m) => ({ default: m.Markdown }));
  return pending;
}
