"""Finding the app in a WebDev reply, whatever shape the model wrote it in."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from arena.battles.webdev import REPORTER, extract_app, preview_document, system_prompt

DOC = "<!DOCTYPE html>\n<html><head><title>Timer</title></head><body><p>hi</p></body></html>"
TSX = (
    'import { useState } from "react";\n'
    "export default function App() {\n"
    "  const [n, setN] = useState(0);\n"
    '  return <button className="p-2" onClick={() => setN(n + 1)}>{n}</button>;\n'
    "}"
)


def test_fenced_html_document() -> None:
    app = extract_app(f"Here is a timer.\n\n```html\n{DOC}\n```\n\nEnjoy!")
    assert app.kind == "html" and app.code == DOC


def test_unfenced_html_document_with_chatter_around_it() -> None:
    app = extract_app(f"Sure! {DOC}\nThat is all.")
    assert app.kind == "html" and app.code == DOC


def test_separate_css_and_js_files_are_inlined_into_the_page() -> None:
    reply = (
        "**index.html**\n```html\n" + DOC + "\n```\n"
        "**style.css**\n```css\np { color: red; }\n```\n"
        "// script.js\n```javascript\ndocument.body.dataset.ok = '1';\n```\n"
    )
    app = extract_app(reply)
    assert app.kind == "html"
    assert "<style>\np { color: red; }\n</style>\n</head>" in app.code
    assert "document.body.dataset.ok = '1';\n</script>\n</body>" in app.code
    assert app.files == ["index.html", "style.css", "script.js"]


def test_react_component_by_fence_or_file_marker() -> None:
    assert extract_app(f"```tsx\n{TSX}\n```").kind == "react"
    marked = extract_app(f"File: App.tsx\n```\n{TSX}\n```")
    assert marked.kind == "react" and marked.code == TSX and marked.files == ["App.tsx"]
    as_js = extract_app(f"```javascript\n{TSX}\n```")
    assert as_js.kind == "react"


def test_html_wins_over_a_stray_snippet() -> None:
    reply = f"```bash\nnpm install\n```\n```html\n{DOC}\n```"
    assert extract_app(reply).code == DOC


def test_a_reply_cut_inside_its_fence_keeps_the_code() -> None:
    cut = "```html\n<!DOCTYPE html><html><body><button>go"
    app = extract_app(cut)
    assert app.kind == "html" and app.code.endswith("<button>go")


def test_no_code_is_no_app() -> None:
    assert not extract_app("I cannot build that, sorry.").found
    assert not extract_app("```python\nprint(1)\n```").found


def test_preview_document_reports_before_the_app_runs() -> None:
    page = preview_document(extract_app(f"```html\n{DOC}\n```"), None)
    assert page.index(REPORTER) < page.index("<title>")


def test_react_preview_embeds_code_without_closing_its_script() -> None:
    hostile = TSX.replace("{n}", "{'</script><script>alert(1)</script>'}")
    page = preview_document(extract_app(f"```tsx\n{hostile}\n```"), "window.__arenaMount=()=>{};")
    assert page.count("</script>") == page.count("<script")
    assert "</script><script>alert(1)" not in page


def test_missing_runtime_says_so_instead_of_a_blank_frame() -> None:
    page = preview_document(extract_app(f"```tsx\n{TSX}\n```"), None)
    assert "runtime is not built" in page


def test_system_prompt_is_versioned_in_the_package() -> None:
    text = system_prompt()
    assert "```html" in text and "export default function App()" in text


@given(st.text(max_size=400))
def test_extraction_never_raises(reply: str) -> None:
    app = extract_app(reply)
    assert app.kind in {None, "html", "react"}
