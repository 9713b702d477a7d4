import { useEffect, useState } from "react";
import { ApiError, DEFAULT_ARENA, listModels, type Arena, type PublicModel } from "./api";

/** The public roster of one arena (text by default), fetched once per page mount. */
export function useModels(arena: Arena = DEFAULT_ARENA) {
  const [models, setModels] = useState<PublicModel[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    listModels(ctrl.signal)
      // Deprecated models take no new battles, so they are not offered.
      // The server's default model goes first: pages offer models[0] until the user picks.
      .then((r) =>
        setModels(
          Array.isArray(r.models)
            ? r.models
                .filter((m) => !m.deprecated && (m.arenas ?? [DEFAULT_ARENA]).includes(arena))
                .sort((x, y) => Number(!!y.default) - Number(!!x.default))
            : [],
        ),
      )
      .catch((e) => {
        if (ctrl.signal.aborted) return;
        setError(e instanceof ApiError ? e.message : "Could not load the models.");
        setModels([]);
      });
    return () => ctrl.abort();
  }, [arena]);
  return { models, error };
}
