/**
 * The registry of arenas the page knows, by the name the server gives them
 * (`GET /api/v1/arenas`). Adding an arena: a file beside this one and a line below.
 * An arena the server lists but the page does not know is not offered.
 */
import { DEFAULT_ARENA, type Arena } from "../lib/api";
import { imageEdit } from "./imageEdit";
import { search } from "./search";
import { text } from "./text";
import { textToImage } from "./textToImage";
import type { ArenaUi } from "./types";
import { vision } from "./vision";
import { webdev } from "./webdev";

export type { ArenaUi, SidesView, TurnView } from "./types";

const ARENA_UI: Record<Arena, ArenaUi> = {
  text,
  vision,
  text_to_image: textToImage,
  image_edit: imageEdit,
  webdev,
  search,
};

/** Whether the page can show battles of this arena. */
export function knownArena(name: Arena): boolean {
  return Object.hasOwn(ARENA_UI, name);
}

/** What the page knows of an arena (the text arena's for one it does not know). */
export function arenaUi(name: Arena): ArenaUi {
  return knownArena(name) ? ARENA_UI[name] : ARENA_UI[DEFAULT_ARENA];
}
