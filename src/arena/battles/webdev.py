"""WebDev replies: find the app in a model's answer, and wrap it for a sandboxed preview.

A reply is Markdown with code in it. The app is, in order of preference: an HTML
document (fenced ``html`` block, or an unfenced ``<!DOCTYPE html>``/``<html>`` document),
with any separate CSS and JavaScript blocks inlined; else one React component
(``tsx``/``jsx``/``ts``/``js`` block with JSX or ``export default``). File markers before a
block (``// App.tsx``, ``File: index.html``, ``**style.css**``, ``<!-- index.html -->``)
name its kind when the fence does not. A reply cut off inside a fence still yields its
code, so an app cut at the token limit can be judged as it is.

The preview document is the untrusted code behind two scripts that run before any of it: the
lockdown (``preview_lockdown.js``: no WebRTC, no nested frames that would bring it back) and a
tiny reporter that tells the parent page, by ``postMessage``, whether the app rendered or
threw. Where it may run is decided by the HTTP response that carries it
(``web/routes/preview.py``), not here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Literal

PROMPT_VERSION = "webdev-v1"

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$", re.M)
_MARKER = re.compile(
    r"(?:^|\n)[ \t]*(?:#+[ \t]*|//[ \t]*|/\*[ \t]*|<!--[ \t]*|\*\*|`|File:[ \t]*|file:[ \t]*)?"
    r"(?P<name>[\w./-]+\.(?:html?|css|jsx?|tsx?|mjs))[ \t]*(?:\*\*|`|-->|\*/|:)?[ \t]*$"
)
_HTML_DOC = re.compile(r"<!DOCTYPE html|<html[\s>]", re.I)

Kind = Literal["html", "react"]
LANGS = {
    "html": "html",
    "htm": "html",
    "xhtml": "html",
    "css": "css",
    "js": "js",
    "javascript": "js",
    "mjs": "js",
    "jsx": "react",
    "tsx": "react",
    "ts": "ts",
    "typescript": "ts",
}


@dataclass(frozen=True, slots=True)
class Block:
    lang: str
    code: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ExtractedApp:
    kind: Kind | None
    code: str
    files: list[str] = field(default_factory=list)
    """The blocks the app was built from, by name or language, for the code view."""

    @property
    def found(self) -> bool:
        return self.kind is not None


def system_prompt() -> str:
    return resources.files("arena.battles").joinpath(f"prompts/{PROMPT_VERSION}.md").read_text()


def code_blocks(reply: str) -> list[Block]:
    """Fenced blocks in order; an unclosed last fence runs to the end of the reply."""
    blocks: list[Block] = []
    pos = 0
    while True:
        opening = _FENCE.search(reply, pos)
        if opening is None:
            break
        ticks = opening["ticks"]
        info = opening["info"].strip()
        closing = re.compile(rf"^[ \t]*{re.escape(ticks[0])}{{{len(ticks)},}}[ \t]*$", re.M)
        end = closing.search(reply, opening.end())
        body_end = end.start() if end else len(reply)
        code = (
            reply[opening.end() + 1 : body_end].rstrip("\n") if opening.end() < len(reply) else ""
        )
        name = _name_before(reply[: opening.start()]) or _name_in_info(info)
        lang = _lang(info, name, code)
        blocks.append(Block(lang, code, name))
        pos = end.end() if end else len(reply)
    return blocks


def _name_before(text: str) -> str | None:
    """A file name on the last non-empty line before a fence."""
    tail = text.rstrip().rsplit("\n", 1)[-1] if text.strip() else ""
    match = _MARKER.search("\n" + tail)
    return match["name"] if match else None


def _name_in_info(info: str) -> str | None:
    parts = info.replace(":", " ").replace("title=", " ").split()
    for part in parts[1:]:
        part = part.strip("\"'")
        if re.fullmatch(r"[\w./-]+\.\w+", part):
            return part
    return None


def _lang(info: str, name: str | None, code: str) -> str:
    word = info.split()[0].lower() if info else ""
    if name:
        suffix = name.rsplit(".", 1)[-1].lower()
        if suffix in {"tsx", "jsx"}:
            return "react"
        if suffix in LANGS and not word:
            word = suffix
    lang = LANGS.get(word, "")
    if lang in {"js", "ts"} and _looks_like_react(code):
        return "react"
    if not lang and _HTML_DOC.search(code):
        return "html"
    return lang or word or "text"


def _looks_like_react(code: str) -> bool:
    return bool(
        re.search(r"export\s+default", code)
        and (
            re.search(r"return\s*\(?\s*<[A-Za-z>]", code)
            or 'from "react"' in code
            or "from 'react'" in code
        )
    )


def extract_app(reply: str) -> ExtractedApp:
    """The app in a reply, or ``kind=None`` when the reply holds none."""
    blocks = code_blocks(reply)
    html = [b for b in blocks if b.lang == "html"]
    if html:
        main = max(html, key=lambda b: (bool(_HTML_DOC.search(b.code)), len(b.code)))
        styles = [b for b in blocks if b.lang == "css"]
        scripts = [b for b in blocks if b.lang == "js"]
        code = _inline(main.code, styles, scripts)
        used = [main, *styles, *scripts]
        return ExtractedApp("html", code, [b.name or b.lang for b in used])
    react = [b for b in blocks if b.lang == "react"]
    if react:
        main = max(react, key=lambda b: ("export default" in b.code, len(b.code)))
        return ExtractedApp("react", main.code, [main.name or "App.tsx"])
    if not blocks:
        match = _HTML_DOC.search(reply)
        if match:
            end = reply.lower().rfind("</html>")
            code = (
                reply[match.start() : end + len("</html>")]
                if end > match.start()
                else reply[match.start() :]
            )
            return ExtractedApp("html", code, ["index.html"])
    return ExtractedApp(None, "", [])


def _inline(document: str, styles: list[Block], scripts: list[Block]) -> str:
    """Put separate CSS and JS blocks into the document, as a browser would load them."""
    css = "".join(f"<style>\n{b.code}\n</style>\n" for b in styles)
    js = "".join(f"<script>\n{b.code}\n</script>\n" for b in scripts)
    if css:
        document = _insert_before(document, "</head>", css)
    if js:
        document = _insert_before(document, "</body>", js)
    return document


def _insert_before(document: str, tag: str, text: str) -> str:
    at = document.lower().rfind(tag)
    return document[:at] + text + document[at:] if at >= 0 else document + text


# The reporter runs before the app's own code, so it sees the app's errors too. It tells
# the parent only "rendered" or the error message: nothing the app could use to escape.
REPORTER = """<script>(function(){var sent=false;function send(s,e){if(sent)return;sent=true;
try{parent.postMessage({arenaPreview:1,status:s,error:e?String(e).slice(0,500):null},"*");}catch(_){}}
window.addEventListener("error",function(ev){send("error",ev&&ev.message?ev.message:"error");});
window.addEventListener("unhandledrejection",function(ev){send("error",ev&&ev.reason?ev.reason:"error");});
window.__arenaReport=send;
window.addEventListener("load",function(){setTimeout(function(){send("rendered");},60);});})();</script>"""


@lru_cache(maxsize=1)
def lockdown_script() -> str:
    """The ``<script>`` that closes WebRTC before the app's first line runs."""
    js = resources.files("arena.battles").joinpath("preview_lockdown.js").read_text()
    js = re.sub(r"^\s*//.*\n", "", js, flags=re.M)  # its comments are for people reading it
    return f"<script>{_script_safe(js)}</script>"


def _guards() -> str:
    return lockdown_script() + REPORTER


def preview_document(app: ExtractedApp, runtime_js: str | None) -> str:
    """The HTML the preview frame loads: the lockdown and the reporter first, then the app
    (and the React runtime)."""
    if app.kind == "html":
        return _guarded(app.code)
    if app.kind == "react":
        if runtime_js is None:
            return _message_page("The preview runtime is not built (run the UI build).")
        payload = json.dumps(app.code).replace("<", "\\u003c")
        return (
            '<!DOCTYPE html><html><head><meta charset="utf-8">'
            f"{_guards()}"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<script>{_script_safe(runtime_js)}</script></head>"
            '<body><div id="root"></div>'
            f'<script type="application/json" id="arena-app">{payload}</script>'
            "<script>window.__arenaMount(JSON.parse("
            "document.getElementById('arena-app').textContent));</script>"
            "</body></html>"
        )
    return _message_page("No app was found in this answer.")


# The doctype, if the document opens with one (a doctype after the guards would make it a
# quirks-mode page). Nothing else is skipped: the tokenizer ends a comment at "<!-->",
# which a regular expression over comments would not, and an app's script could hide there.
_PROLOGUE = re.compile(r"\A[\ufeff\s]*(?:<!DOCTYPE[^>]*>)?", re.I)
# A declarative shadow root is made by the parser alone, and the lockdown cannot see into a
# closed one: renamed, the attribute is inert (``shadowRootMode`` in code changes with it).
_DECLARATIVE_SHADOW = re.compile("shadowrootmode", re.I)


def _guarded(document: str) -> str:
    """The guards as the document's first elements: right after the doctype, before any
    ``<html>``, ``<head>`` or ``<script>`` of the app's (the parser puts them in the head)."""
    document = _DECLARATIVE_SHADOW.sub("noshadowrootmode", document)
    at = _PROLOGUE.match(document)
    end = at.end() if at else 0
    return document[:end] + _guards() + document[end:]


def _script_safe(js: str) -> str:
    """Vendored JS inside a <script> element must not close it early."""
    return js.replace("</script", "<\\/script")


def _message_page(text: str) -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{_guards()}</head>'
        '<body style="font-family:sans-serif;color:#555">'
        f"<p>{text}</p><script>window.__arenaReport('error', {json.dumps(text)});</script>"
        "</body></html>"
    )
