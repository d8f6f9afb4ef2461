"""Screen 4: the press kanban. One column per stage; gates enforce consent and sign-off."""

from __future__ import annotations

import uuid

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from clp_tui.clock import stamp
from clp_tui.data.contract import PRESS_STAGES
from clp_tui.data.datewords import day_count, moment_words
from clp_tui.data.decision_log import add_local_item
from clp_tui.data.imprint import card_lacks_imprint, imprint_configured
from clp_tui.data.press import BOARD_STAGES, STAGE_LABELS, Card, gate_problem, load_cards
from clp_tui.data.text import clean, one_line
from clp_tui.screens.base import DashboardScreen
from clp_tui.screens.dialogs import AskText
from clp_tui.screens.press_cards import CARD_HEIGHT, ColumnSource, embargo_words
from clp_tui.widgets.badges import warning
from clp_tui.widgets.kanban import Kanban
from clp_tui.writer import WriteLanded


class PressScreen(DashboardScreen):
    TITLE = "4 Press"
    FILTER_FIELDS = {"stage", "format", "candidate", "owner", "outlet", "feed", "assigned"}
    FILTER_HINT = "stage: format: candidate: owner: outlet:"
    DECISION_ACTIONS = {
        "move_forward",
        "move_back",
        "consent",
        "signoff",
        "new_card",
        "spike",
        "toggle_select",
        "select_range",
        "select_visible",
    }

    BINDINGS = [
        Binding("right_square_bracket", "move_forward", "Move ▶", id="press.forward"),
        Binding("left_square_bracket", "move_back", "◀ Move", id="press.back"),
        Binding("c", "consent", "Consent", id="press.consent"),
        Binding("g", "signoff", "Sign-off", id="press.signoff"),
        Binding("n", "new_card", "New idea", id="press.new"),
        Binding("x", "spike", "Spike", id="press.spike"),
        Binding("z", "toggle_spiked", "Show spiked", id="press.show_spiked"),
        Binding("space", "toggle_select", "Select", show=False, id="press.select"),
        Binding("V", "select_range", "Select to here", show=False, id="press.select_range"),
        Binding("asterisk", "select_visible", "Select the column", show=False, id="press.select_visible"),
        # priority: the focused card list would otherwise take left/right for scrolling.
        Binding("l,right", "next_column", "Next column", show=False, priority=True, id="press.next_column"),
        Binding("h,left", "previous_column", "Previous column", show=False, priority=True, id="press.previous_column"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_spiked = False
        self.sources = {stage: ColumnSource(self, stage) for stage in PRESS_STAGES}
        self.cards: list[Card] = []
        self.selected: dict[tuple[str, str], Card] = {}  # [ and ] move every one of them
        self._anchor: tuple[str, int] | None = None

    def compose_body(self) -> ComposeResult:
        yield Kanban(self, card_height=CARD_HEIGHT, min_column_width=18, id="kanban")
        yield Static(id="press-detail", markup=False, classes="preview-below")

    def on_mount(self) -> None:
        super().on_mount()
        self.focus_body()

    def focus_body(self) -> None:
        self.kanban.focus()

    @property
    def kanban(self) -> Kanban:
        return self.query_one("#kanban", Kanban)

    @property
    def stages(self) -> list[str]:
        return list(PRESS_STAGES) if self.show_spiked else list(BOARD_STAGES)

    # -- what the kanban draws (its KanbanSource) -------------------------------------------

    def column_keys(self) -> list[str]:
        return self.stages

    def column_title(self, key: str) -> str:
        return f"{STAGE_LABELS[key]} ({len(self.sources[key].cards)})"

    def card_count(self, key: str) -> int:
        return len(self.sources[key].cards)

    def render_card(self, key: str, index: int, width: int) -> list[Text]:
        return self.sources[key].render_row(index, width, CARD_HEIGHT)

    # ---------------------------------------------------------------------------------------

    def focused_stage(self) -> str:
        return self.kanban.focused_key or self.stages[0]

    def current(self) -> Card | None:
        stage = self.focused_stage()
        cards = self.sources[stage].cards
        index = self.kanban.cursor_of(stage)
        return cards[index] if cards and index < len(cards) else None

    def refresh_data(self, follow: tuple[str, str] | None = None) -> None:
        keep = follow or (self.current().key if self.current() else None)
        self.cards = load_cards(self.clp.store)
        cursors: dict[str, int] = {}
        focus = None
        for stage, source in self.sources.items():
            source.cards = [c for c in self.cards if c.stage == stage and self._matches(c)]
            index = next((i for i, c in enumerate(source.cards) if c.key == keep), None)
            if index is not None:
                cursors[stage] = index
                if follow is not None:
                    focus = stage
        self.kanban.reload(focus=focus, keep=cursors)
        self._show_detail()

    def imprint_problem(self, card: Card) -> str | None:
        """Why this card needs the digital imprint and lacks it, or None."""
        imprint = self.clp.config.campaign.imprint
        why = card_lacks_imprint(card, imprint)
        if why is None:
            return None
        missing = (
            "its text lacks the imprint"
            if imprint_configured(imprint)
            else "no imprint is configured ([campaign] imprint)"
        )
        return f"needs the digital imprint ({why}) but {missing}"

    def _matches(self, c: Card) -> bool:
        if not self.filter:
            return True
        values = {
            "stage": c.stage,
            "format": c.ext.format,
            "candidate": c.ext.candidate,
            "owner": c.ext.owner,
            "outlet": " ".join(c.ext.outlets),
            "feed": c.feed,
            "assigned": self.assigned_words((c.feed, c.id)),
        }
        return self.filter.matches(f"{c.title} {c.body}", values)

    def write_landed(self, message: WriteLanded) -> None:
        # A moved card is followed to its new column.
        self.refresh_data(follow=message.keys[0] if message.action != "write" and message.keys else None)

    def on_kanban_highlighted(self, event: Kanban.Highlighted) -> None:
        self._show_detail()

    def on_descendant_focus(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#press-detail", Static)
        c = self.current()
        if c is None:
            self.show_in(detail, self.empty_text("No card here. ←/→ (h/l) move between columns; n adds an idea."))
            return
        t = self.looking_text(c.key)
        t.append(clean(c.title), style="bold")
        t.append(f"  [{c.ext.format.replace('_', ' ')} · {STAGE_LABELS[c.stage]}]", style="cyan")
        if c.ext.owner:
            t.append(f"  owner {clean(c.ext.owner)}")
        if c.ext.outlets:
            t.append("  outlets: " + ", ".join(clean(o) for o in c.ext.outlets))
        embargo = embargo_words(c.ext.embargo, self.clp.now())
        if embargo:
            t.append(f"  ⏱ {embargo} ({moment_words(c.ext.embargo)})", style=warning("bold magenta"))
        t.append("\n")
        days = c.days_in_stage(self.clp.now())
        if days is not None:
            t.append(
                f"{day_count(days)} at {STAGE_LABELS[c.stage]}, since {moment_words(c.stage_since)}\n", style="dim"
            )
        consent = (
            f"✓ consent from {clean(c.consent_by)}"
            + (f" ({moment_words(clean(c.consent_at))})" if c.consent_at else "")
            if c.consent_by
            else "✗ no candidate consent yet (c records it)"
        )
        signoff = (
            f"✓ regional sign-off by {clean(c.signoff_by)}"
            + (f" ({moment_words(clean(c.signoff_at))})" if c.signoff_at else "")
            if c.signoff_by
            else "✗ no regional sign-off yet (g records it)"
        )
        t.append(consent + "   ", style="green" if c.consent_by else "yellow")
        t.append(signoff, style="green" if c.signoff_by else "yellow")
        problem = self.imprint_problem(c)
        if problem:
            t.append(f"\n⚠ IMPRINT: {problem}", style=warning("bold red"))
        if c.body:
            t.append("\n" + one_line(c.body, 400))
        self.show_in(detail, t)

    # -- moving cards ---------------------------------------------------------------------

    def _move(self, card: Card, target: str, reason: str) -> None:
        problem = gate_problem(card, target)
        if problem:
            self.notify(problem, severity="error", title="Gate", markup=False, timeout=8)
            return
        self.decide([card.key], "stage", target, reason=reason)

    def _move_selected(self, step: int) -> bool:
        """[ or ] with cards selected: each moves one column, those going to the same
        column in one decision (one u undoes them together). False: nothing selected."""
        if not self.selected:
            return False
        order = list(BOARD_STAGES)
        by_target: dict[str, list[tuple[str, str]]] = {}
        for card in self.selected.values():
            at = order.index(card.stage) if card.stage in order else 0
            target = order[at + step] if 0 <= at + step < len(order) else None
            if target is not None and not gate_problem(card, target):
                by_target.setdefault(target, []).append(card.key)
        self.selected.clear()
        for target, keys in by_target.items():
            self.decide(keys, "stage", target, reason="moved forward" if step > 0 else "moved back")
        if not by_target:
            self.notify("None of the selected cards can move that way.", timeout=3)
        return True

    def action_toggle_select(self) -> None:
        c = self.current()
        if c is None:
            return
        if self.selected.pop(c.key, None) is None:
            self.selected[c.key] = c
        stage = self.focused_stage()
        self._anchor = (stage, self.kanban.cursor_of(stage))
        self.kanban.reload()

    def action_select_range(self) -> None:
        stage = self.focused_stage()
        here = self.kanban.cursor_of(stage)
        start = self._anchor[1] if self._anchor and self._anchor[0] == stage else here
        self._select(stage, range(min(start, here), max(start, here) + 1))

    def action_select_visible(self) -> None:
        stage = self.focused_stage()
        self._select(stage, range(len(self.sources[stage].cards)))

    def _select(self, stage: str, indices: range) -> None:
        cards = self.sources[stage].cards
        for index in indices:
            if index < len(cards):
                self.selected[cards[index].key] = cards[index]
        self.kanban.reload()
        self.notify(f"{len(self.selected)} card(s) selected: [ or ] moves them all", timeout=3)

    def action_move_forward(self) -> None:
        if self._move_selected(+1):
            return
        c = self.current()
        if c is None:
            return
        order = list(BOARD_STAGES)
        if c.stage not in order or order.index(c.stage) == len(order) - 1:
            self.notify("This card is already as far as it goes.", timeout=3)
            return
        self._move(c, order[order.index(c.stage) + 1], "moved forward")

    def action_move_back(self) -> None:
        if self._move_selected(-1):
            return
        c = self.current()
        if c is None:
            return
        order = list(BOARD_STAGES)
        if c.stage == "spiked":
            self._move(c, "idea", "brought back from spiked")
            return
        if order.index(c.stage) == 0:
            self.notify("This card is already in the first column.", timeout=3)
            return
        self._move(c, order[order.index(c.stage) - 1], "moved back")

    def action_spike(self) -> None:
        c = self.current()
        if c is None or c.stage == "spiked":
            return
        prompt = Text(f"Why spike '{one_line(c.title, 60)}'?")

        def given(reason: str | None) -> None:
            if reason:
                self.decide([c.key], "stage", "spiked", reason=reason)

        self.app.push_screen(AskText("Spike this card", prompt, placeholder="reason (required)"), given)

    def _record_signoff(self, field: str, title: str, question: str, default: str) -> None:
        c = self.current()
        if c is None:
            return

        def given(who: str | None) -> None:
            if who:
                value = {"by": who, "at": stamp(self.clp.now())}
                self.decide([c.key], field, value, reason=title.lower())

        prompt = Text(f"{question}\n{one_line(c.title, 70)}")
        self.app.push_screen(AskText(title, prompt, value=default), given)

    def action_consent(self) -> None:
        c = self.current()
        self._record_signoff(
            "consent", "Candidate's consent", "Who gave express consent for this?", (c.ext.candidate or "") if c else ""
        )

    def action_signoff(self) -> None:
        self._record_signoff(
            "signoff", "Regional sign-off", "Who at the regional communications team signed it off?", ""
        )

    def show_presence(self) -> None:
        self.kanban.reload()  # the cards' drawings are cached: another officer's initials drawn anew
        self._show_detail()

    def action_new_card(self) -> None:
        def given(title: str | None) -> None:
            if not title:
                return
            item_id = f"idea-{self.clp.now():%Y%m%d}-{uuid.uuid4().hex[:8]}"
            ext = {"format": "story_idea", "stage": "idea", "owner": self.clp.config.officer.name}
            officer = self.clp.config.officer.name or "officer"
            self.clp.writer.run(
                self,
                lambda: add_local_item(
                    self.clp.store, "press", item_id, title, ext, officer=officer, officer_id=self.clp.officer_id
                ),
            )

        self.app.push_screen(AskText("New idea", "A working title for the idea:", placeholder="title"), given)

    def action_toggle_spiked(self) -> None:
        leaving = self.focused_stage() == "spiked"
        self.show_spiked = not self.show_spiked
        self.kanban.reload(focus=BOARD_STAGES[-1] if leaving else None)
        self._show_detail()

    def action_next_column(self) -> None:
        self.kanban.move_column(1)

    def action_previous_column(self) -> None:
        self.kanban.move_column(-1)

    def focus_item(self, key: tuple[str, str]) -> None:
        self.query_one("#filter").value = ""  # type: ignore[attr-defined]
        self._set_filter("")
        card = next((c for c in self.cards if c.key == key), None)
        if card is None:
            return
        if card.stage == "spiked" and not self.show_spiked:
            self.action_toggle_spiked()
        self.refresh_data(follow=key)
