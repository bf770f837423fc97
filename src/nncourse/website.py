"""Sphinx extension for the course website (listed in ``_config.yml``, used only by the book build).

Sphinx 7.4 writes a script that an extension adds with ``app.add_js_file(None, body=...)`` after
the builder has started twice into every page. sphinx-thebe's ``const THEBE_JS_URL = ...`` then
raises "Identifier 'THEBE_JS_URL' has already been declared" in every reader's browser console.
This extension drops the second copy of any script or stylesheet a page would load twice, and
after the build any inline script repeated in a page's <head>.
"""

from __future__ import annotations

from typing import Any


def _without_repeats(assets: list[Any]) -> list[Any]:
    kept: list[Any] = []
    for asset in assets:
        if asset not in kept:
            kept.append(asset)
    return kept


def _drop_repeated_assets(app, pagename, templatename, context, doctree) -> None:
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = _without_repeats(context[key])


def _drop_repeated_inline_scripts(app, exception) -> None:
    """Some inline scripts reach the page outside ``script_files``: drop repeated ones in <head>."""
    if exception is not None or app.builder.format != "html":
        return
    from pathlib import Path

    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        head, sep, body = text.partition("</head>")
        seen: set[str] = set()
        kept = []
        for line in head.splitlines(keepends=True):
            key = line.strip()
            if key.startswith("<script>") and key.endswith("</script>"):
                if key in seen:
                    continue
                seen.add(key)
            kept.append(line)
        if sep and len(kept) != len(head.splitlines(keepends=True)):
            page.write_text("".join(kept) + sep + body, encoding="utf-8")


def setup(app) -> dict[str, Any]:
    app.connect("html-page-context", _drop_repeated_assets, priority=900)
    app.connect("build-finished", _drop_repeated_inline_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
