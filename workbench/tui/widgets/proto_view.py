"""The Proto tab: the message's file, highlighted, scrolled to the message (or the selected field
or enum value), the selection marked in the gutter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import ScrollableContainer, Vertical
from textual.widgets import Static

from workbench.tui.widgets.code_view import CodeView, highlight_ahead

if TYPE_CHECKING:
    from workbench.contracts.model import Model
    from workbench.contracts.proto_model import Place


class ProtoView(Vertical):
    HELP_TITLE = "Proto tab"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._selection: tuple[str, str, str] = ("", "", "")

    def compose(self) -> ComposeResult:
        yield Static("", classes="view-title", markup=False)
        with ScrollableContainer(classes="view-scroll"):
            yield CodeView(classes="proto-code")

    def show_entity(self, model: Model, entity: str, field: str = "", enum_value: str = "") -> Place | None:
        """Render; returns the place shown (what `o` opens)."""
        msg = model.protos.message(entity)
        title = self.query_one(".view-title", Static)
        code = self.query_one(CodeView)
        if msg is None:
            title.update(f"no message {entity} in the protos")
            code.update("")
            return None
        place = msg.place
        top = place.line
        fld = msg.field(field) if field else None
        if fld is not None:
            place = fld.place
            if enum_value:
                enum = model.protos.enum(fld.type_name)
                value = next((v for v in enum.values if v.name == enum_value), None) if enum else None
                if value is not None:
                    place = value.place
            top = place.line
        comment_lines = len(msg.comment.splitlines()) if fld is None else 0
        title.update(f"{place.file}:{place.line}  ·  {msg.full_name}")
        text = model.protos.sources.get(place.file, "")
        code.show_code(text, "protobuf", mark_line=place.line, mark_end=place.end_line)
        selection = (entity, field, enum_value)
        if selection != self._selection:
            # A new selection scrolls to it; a reload of the same one keeps the user's scroll.
            self._selection = selection
            target = max(0, top - 1 - comment_lines - (0 if fld is None else 2))
            scroll = self.query_one(".view-scroll", ScrollableContainer)
            self.call_after_refresh(scroll.scroll_to, None, target, animate=False)
        return place


def prepare_first_entity(model: Model) -> None:
    """Highlight what the Proto tab first shows of the model's first entity (the entity browser
    selects it): its file's top (drawn before the scroll) and its message. Called from the loader's
    thread, before the first look is posted."""
    if not model.entities:
        return
    msg = model.protos.message(model.entities[0].name)
    if msg is None:
        return
    text = model.protos.sources.get(msg.place.file, "")
    highlight_ahead(text, "protobuf", 0, msg.place.line - 1, msg.place.end_line - 1)
