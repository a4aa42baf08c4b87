"""The Generated tab: the selected entity's generated type in each language (Python stubs, Go
struct, TypeScript type), read from the last codegen output, highlighted.

It re-reads when shown again, so a run on the Codegen screen shows up without a model reload.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from workbench.codegen.options import LABELS, LANGUAGES
from workbench.tui.widgets.code_view import highlighted_lines

if TYPE_CHECKING:
    from workbench.contracts.model import Model


class GeneratedCode(Static):
    """Highlighted code with line numbers (its own type, so `query_one(CodeView)` elsewhere is unaffected)."""

    DEFAULT_CSS = """
    GeneratedCode { width: auto; min-width: 1fr; height: auto; }
    """

    def show_code(self, text: str, language: str, first_line: int = 1) -> None:
        from textual.content import Content

        lines = highlighted_lines(text, language)
        width = len(str(first_line + len(lines)))
        gutter = [Content.styled(f"{n:>{width}}   ", "dim") for n in range(first_line, first_line + len(lines))]
        self.update(Content("\n").join(Content.assemble(g, line) for g, line in zip(gutter, lines, strict=True)))


class GeneratedView(VerticalScroll):
    HELP_TITLE = "Generated tab"
    DEFAULT_CSS = """
    GeneratedView .generated-title { margin-top: 1; color: $text-accent; text-style: bold; }
    GeneratedView .generated-missing { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._selection: tuple[Model, str] | None = None
        self._shown_key: tuple[object, ...] = ()

    def compose(self) -> ComposeResult:
        for lang in LANGUAGES:
            yield Static("", classes="generated-title", id=f"generated-title-{lang}", markup=False)
            yield GeneratedCode(id=f"generated-code-{lang}")

    def show_entity(self, model: Model, entity: str) -> None:
        self._selection = (model, entity)
        self._refresh_view()

    def on_show(self) -> None:
        if self._selection is not None:
            self._refresh_view()

    def _refresh_view(self) -> None:
        from workbench.codegen.run import current_outputs
        from workbench.codegen.snippets import find_snippet

        assert self._selection is not None
        model, entity = self._selection
        msg = model.protos.message(entity)
        if msg is None:
            return
        package = model.protos.files.get(msg.place.file, "")
        found = []
        for lang in LANGUAGES:
            lang_dir, files = current_outputs(model.root, lang)
            stamps = tuple((f, (lang_dir / f).stat().st_mtime_ns) for f in files if (lang_dir / f).exists())
            found.append((lang, lang_dir, files, stamps))
        key = (id(model), entity, tuple(s for *_, s in found))
        if key == self._shown_key:
            return
        self._shown_key = key
        for lang, lang_dir, files, _ in found:
            title = self.query_one(f"#generated-title-{lang}", Static)
            code = self.query_one(f"#generated-code-{lang}", GeneratedCode)
            snippet = find_snippet(lang_dir, files, msg.full_name, package) if files else None
            if snippet is None:
                why = "not generated yet: `workbench codegen`, or Run on the Codegen screen (5)" if not files \
                    else f"{msg.name} not found in the generated files"
                title.update(Text(f"{LABELS[lang]} — {why}"))
                title.add_class("generated-missing")
                code.update("")
                continue
            title.remove_class("generated-missing")
            where = _shown(lang_dir / snippet.file, model.root)
            title.update(Text(f"{LABELS[lang]} — {where}:{snippet.first_line}"))
            code.show_code(snippet.text, snippet.language, first_line=snippet.first_line)


def _shown(path: object, root: object) -> str:
    from pathlib import Path

    p, r = Path(str(path)).resolve(), Path(str(root)).resolve()
    try:
        return p.relative_to(r).as_posix()
    except ValueError:
        return str(p)
