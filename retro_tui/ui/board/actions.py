"""What each board key does: pick the selected thing, maybe ask in a dialog, send a command.

Split from `screen.py` so the screen's layout and its verbs each fit on a page; the
state they act on is declared and set in `state.py`. Dialogs are awaited with
`push_screen_wait`, so every action that asks runs as a worker.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.widgets import ContentSwitcher

from retro_tui.domain import commands as c
from retro_tui.domain import parking
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Card
from retro_tui.domain.phases import Phase, phases_of
from retro_tui.domain.problems import PROBLEM_NAME_MAX, same_name
from retro_tui.domain.text import shorten
from retro_tui.domain.views import BoardView
from retro_tui.export import default_export_name, session_markdown
from retro_tui.ui.board.keys import key_of
from retro_tui.ui.board.state import BoardState
from retro_tui.ui.ports import PresentingSwitch, ProblemAdvisor
from retro_tui.ui.screens.action_dialog import ActionDialog, ActionFields
from retro_tui.ui.screens.checkin_dialog import CheckInDialog
from retro_tui.ui.screens.choice_dialog import ChoiceDialog
from retro_tui.ui.screens.confirm import ConfirmDialog
from retro_tui.ui.screens.disconnected import DisconnectedDialog
from retro_tui.ui.screens.help import HelpDialog
from retro_tui.ui.screens.text_dialog import (
    card_dialog,
    notes_dialog,
    problem_dialog,
    topic_dialog,
)
from retro_tui.ui.shaping import BoardItem, skip_target
from retro_tui.ui.widgets.actions_pane import ActionsPane
from retro_tui.ui.widgets.columns import ColumnsBoard
from retro_tui.ui.widgets.discuss_pane import DiscussPane
from retro_tui.ui.widgets.review_pane import ReviewPane

if TYPE_CHECKING:
    from retro_tui.advisor import Advice

HELP_NOTES = (
    "Arrow keys or the mouse select a card; tab moves between areas. "
    "Cards of others stay face-down until the facilitator moves on from Write."
)


def _preview(text: str, limit: int = 50) -> str:
    return shorten(text.splitlines()[0] if text else "", limit)


class BoardActions(BoardState):
    """The verbs of the board, one `action_<name>` per key. `BoardScreen` adds the
    layout and the hub worker."""

    advice: Advice | None = None  # the known problems the selection looks like, when shown
    advisor: ProblemAdvisor | None = None  # the facilitator's side only (BoardScreen sets it)

    # --- plumbing -------------------------------------------------------------------------
    async def send(self, command: c.Command) -> bool:
        """Send a command; a refusal becomes a warning, a lost hub the disconnect dialog."""
        try:
            await self.client.send(command)
        except Refused as refusal:
            self.notify(refusal.reason, severity="warning", markup=False)
            return False
        except ConnectionError as error:
            self.disconnected(str(error) or "the hub is gone")
            return False
        return True

    def send_soon(self, command: c.Command) -> None:
        """Send without blocking the screen; commands still reach the hub in key order."""
        self.run_worker(self.send(command), group="commands")

    async def send_undoable(self, command: c.Command, done: str) -> None:
        """Send a change that can be taken back, and say how in the confirmation."""
        if await self.send(command):
            self.notify(
                f"{done}. [@click=screen.undo]Undo[/] ({key_of('undo')})",
                title="Done",
                timeout=8,
            )

    def disconnected(self, reason: str) -> None:
        if isinstance(self.app.screen, DisconnectedDialog):
            return
        self.app.push_screen(DisconnectedDialog(reason), lambda _: self.app.exit())

    def view_arrived(self) -> None:
        if self._view_changed is not None:
            self._view_changed.set()

    async def wait_for_view(self, check: Callable[[BoardView], bool], timeout: float = 5) -> bool:
        """Wait until the followed view satisfies `check` (e.g. our new action arrived)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.view is None or not check(self.view):
            self._view_changed = asyncio.Event()
            left = deadline - loop.time()
            if left <= 0:
                return False
            try:
                await asyncio.wait_for(self._view_changed.wait(), left)
            except TimeoutError:
                return False
        return True

    # --- what is selected ------------------------------------------------------------------
    @property
    def columns_board(self) -> ColumnsBoard:
        return self.query_one(ColumnsBoard)

    def selected_item(self) -> BoardItem | None:
        return self.columns_board.focused_item()

    def _require_item(self) -> BoardItem | None:
        item = self.selected_item()
        if item is None:
            self.notify("Select a card first (arrow keys or click).", severity="warning")
        return item

    async def _pick_card(
        self, item: BoardItem, verb: str, *, any_author: bool = False
    ) -> Card | None:
        """The one card of `item` to act on; asks when a topic holds several candidates."""
        assert self.view is not None
        cards = [x for x in item.cards if any_author or x.author == self.view.you]
        if not cards:
            self.notify(f"You can only {verb} your own cards.", severity="warning")
            return None
        if len(cards) == 1:
            return cards[0]
        choice = await self.app.push_screen_wait(
            ChoiceDialog(f"Which card to {verb}?", [(x.id, _preview(x.text)) for x in cards])
        )
        return next((x for x in cards if x.id == choice), None)

    def _table_key(self, pane_type: type[ReviewPane | DiscussPane | ActionsPane]) -> str | None:
        pane = self.query_one(pane_type)
        key = pane.highlighted()
        if key is None:
            self.notify("Nothing selected.", severity="warning")
        return key

    # --- help -----------------------------------------------------------------------------
    def action_help(self) -> None:
        seen: set[str] = set()
        rows: list[tuple[str, str]] = []
        for key, active in self.active_bindings.items():
            binding = active.binding
            if not active.enabled or binding.id in seen or binding.id is None:
                continue
            seen.add(binding.id)
            label = binding.key_display or self.app.get_key_display(binding)
            rows.append((label or key, binding.tooltip or binding.description))
        phase = self.view.session.phase.label if self.view else ""
        self.app.push_screen(HelpDialog(f"Keys — {phase}", rows, HELP_NOTES))

    # --- check-in and review -------------------------------------------------------------------
    @work(group="dialogs")
    async def action_check_in(self) -> None:
        me = self.view.me if self.view else None
        answer = await self.app.push_screen_wait(
            CheckInDialog(me.checkin_word if me else "", me.mood if me else None)
        )
        if answer is not None:
            await self.send(c.CheckIn(word=answer.word, mood=answer.mood))

    def action_review(self, decision: str) -> None:
        key = self._table_key(ReviewPane)
        if key is not None:
            self.send_soon(c.ReviewAction(action=key, decision=decision))

    # --- cards ------------------------------------------------------------------------------
    @work(group="dialogs")
    async def action_add_card(self) -> None:
        assert self.view is not None
        column = self.columns_board.focused_column()
        key = column.key if column is not None else self.view.session.columns[0].key
        text = await self.app.push_screen_wait(card_dialog(self.view.session.column_title(key)))
        if text:
            await self.send(c.AddCard(column=key, text=text))

    @work(group="dialogs")
    async def action_edit_card(self) -> None:
        item = self._require_item()
        card = await self._pick_card(item, "edit") if item else None
        if card is None or self.view is None:
            return
        title = self.view.session.column_title(card.column)
        text = await self.app.push_screen_wait(card_dialog(title, card.text))
        if text and text != card.text:
            await self.send(c.EditCard(card=card.id, text=text))

    @work(group="dialogs")
    async def action_delete_card(self) -> None:
        item = self._require_item()
        if item is None or self.view is None:
            return
        anyone = self.view.is_facilitator and self.view.session.phase is Phase.GROUP
        card = await self._pick_card(item, "delete", any_author=anyone)
        if card is None:
            return
        sure = await self.app.push_screen_wait(
            ConfirmDialog(f"Delete this card?\n\n{_preview(card.text, 200)}", yes="Delete")
        )
        if sure:
            await self.send_undoable(c.DeleteCard(card=card.id), "Card deleted")

    async def _move(self, card: Card, column: str) -> None:
        if await self.send(c.MoveCard(card=card.id, column=column)):
            await self.wait_for_view(
                lambda v: (x := v.session.card(card.id)) is None or x.column == column
            )
            self.columns_board.focus_item(card.id)

    @work(group="dialogs")
    async def action_move_card(self, step: int) -> None:
        item = self._require_item()
        card = (
            await self._pick_card(item, "move", any_author=self._may_move_any()) if item else None
        )
        if card is None or self.view is None:
            return
        keys = [col.key for col in self.view.session.columns]
        index = keys.index(card.column) + step
        if 0 <= index < len(keys):
            await self._move(card, keys[index])

    @work(group="dialogs")
    async def action_move_card_to(self) -> None:
        item = self._require_item()
        card = (
            await self._pick_card(item, "move", any_author=self._may_move_any()) if item else None
        )
        if card is None or self.view is None:
            return
        choices = [
            (col.key, col.title) for col in self.view.session.columns if col.key != card.column
        ]
        column = await self.app.push_screen_wait(ChoiceDialog("Move the card to…", choices))
        if column:
            await self._move(card, column)

    def _may_move_any(self) -> bool:
        view = self.view
        return view is not None and view.is_facilitator and view.session.phase is Phase.GROUP

    # --- grouping ---------------------------------------------------------------------------
    async def action_group(self) -> None:
        item = self._require_item()
        if item is None:
            return
        if self.grouping is None:
            self.grouping = item.id
            return
        source, self.grouping = self.grouping, None
        if source == item.id:
            self.notify("Pick a different card or topic to group with.", severity="warning")
            return
        await self.send_undoable(c.Merge(source=source, target=item.id), "Cards grouped")

    def action_cancel_group(self) -> None:
        self.grouping = None

    @work(group="dialogs")
    async def action_title_topic(self) -> None:
        item = self._require_item()
        if item is None:
            return
        if not item.is_topic:
            self.notify("Group cards into a topic first (g), then title it.", severity="warning")
            return
        title = await self.app.push_screen_wait(topic_dialog(item.title))
        if title and title != item.title:
            await self.send(c.TitleTopic(topic=item.id, title=title))

    @work(group="dialogs")
    async def action_unmerge(self) -> None:
        item = self._require_item()
        if item is None:
            return
        if not item.is_topic:
            self.notify("That card is not in a topic.", severity="warning")
            return
        card = await self._pick_card(item, "take out of the topic", any_author=True)
        if card is not None:
            await self.send_undoable(c.Unmerge(card=card.id), "Card taken out of the topic")

    # --- votes --------------------------------------------------------------------------------
    def action_vote(self) -> None:
        item = self._require_item()
        if item is not None:
            self.send_soon(c.CastVote(target=item.id))

    def action_unvote(self) -> None:
        item = self._require_item()
        if item is not None:
            self.send_soon(c.RetractVote(target=item.id))

    # --- discussion and actions ------------------------------------------------------------------
    def action_discuss(self) -> None:
        key = self._table_key(DiscussPane)
        if key is not None:
            self.send_soon(c.Discuss(target=key))

    # --- known problems ----------------------------------------------------------------------
    def problem_target(self) -> str | None:
        """The selected card or topic: on the board in group, in the table in discuss."""
        if self.view is None or not self.is_mounted:
            return None
        if self.view.session.phase is Phase.GROUP:
            item = self.selected_item()
            return item.id if item is not None else None
        if self.view.session.phase is Phase.DISCUSS:
            return self.query_one(DiscussPane).highlighted()
        return None

    def action_link_problem(self, n: int) -> None:
        target = self.problem_target()
        advice = self.advice
        if target is None or advice is None or advice.target != target:
            self.notify("Select a card or topic with suggestions first.", severity="warning")
            return
        if not 0 < n <= len(advice.suggestions):
            self.notify(f"There is no suggestion {n} for this one.", severity="warning")
            return
        problem = advice.suggestions[n - 1].problem
        link = c.LinkProblem(target=target, problem=problem.id, problem_name=problem.name)
        if advice.linked is None:
            self.send_soon(link)
        else:  # the old link goes: say how to take that back
            self.run_worker(self.send_undoable(link, "Known problem replaced"), group="commands")

    @work(group="dialogs")
    async def action_name_problem(self) -> None:
        target = self.problem_target()
        if target is None or self.view is None:
            self.notify("Select a card or topic first.", severity="warning")
            return
        title = _preview(self.view.session.target_title(target), PROBLEM_NAME_MAX)
        name = await self.app.push_screen_wait(problem_dialog(title))
        if not name:
            return
        # A name the team already knows links to that problem instead of splitting it.
        advisor, view = self.advisor, self.view
        known = await asyncio.to_thread(advisor.known, view.session) if advisor and view else []
        twin = same_name(known, name)
        if twin is None:
            await self.send(c.NameProblem(target=target, problem_name=name))
        elif await self.send(c.LinkProblem(target=target, problem=twin.id, problem_name=twin.name)):
            self.notify(f"Linked to the known problem {twin.name!r}: it has that name already.",
                        markup=False)  # fmt: skip

    def action_unlink_problem(self) -> None:
        target = self.problem_target()
        if target is None or self.view is None:
            self.notify("Select a card or topic first.", severity="warning")
            return
        if self.view.session.problem_of(target) is None:
            self.notify("That one is not linked to a known problem.", severity="warning")
            return
        done = "Link to a known problem taken away"
        self.run_worker(self.send_undoable(c.UnlinkProblem(target=target), done), group="commands")

    def _notes_target(self) -> str | None:
        if self.view is not None and self.view.session.phase is Phase.ACTIONS:
            action = self.view.session.action(self.query_one(ActionsPane).highlighted() or "")
            target = action.source if action else self.view.session.current_topic
            if target is None:
                self.notify("This action item has no topic to take notes on.", severity="warning")
            return target
        return self._table_key(DiscussPane)

    @work(group="dialogs")
    async def action_notes(self) -> None:
        target = self._notes_target()
        if target is None or self.view is None:
            return
        session = self.view.session
        dialog = notes_dialog(_preview(session.target_title(target)), session.notes.get(target, ""))
        text = await self.app.push_screen_wait(dialog)
        if text is not None and not text and session.notes.get(target):
            await self.send_undoable(c.SetNotes(target=target, text=text), "Notes deleted")
        elif text is not None:
            await self.send(c.SetNotes(target=target, text=text))

    @work(group="dialogs")
    async def action_action_from_topic(self) -> None:
        target = self._table_key(DiscussPane)
        if target is None or self.view is None:
            return
        before = {a.id for a in self.view.session.actions}
        if not await self.send(c.ActionFromTopic(target=target)):
            return

        def new_action(view: BoardView) -> bool:
            return any(a.id not in before for a in view.session.actions)

        if not await self.wait_for_view(new_action):
            return
        assert self.view is not None
        item = next(a for a in self.view.session.actions if a.id not in before)
        fields = await self.app.push_screen_wait(
            ActionDialog(item, title="Action item from topic", numbers=self._number_names())
        )
        if fields is not None:
            await self._edit_action(item.id, fields)

    def _number_names(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.view.session.numbers) if self.view else ()

    async def _edit_action(self, action_id: str, fields: ActionFields) -> None:
        edited = await self.send(
            c.EditAction(
                action=action_id,
                text=fields.text,
                owner=fields.owner,
                due=fields.due,
                metric=fields.metric,
            )
        )
        if edited:
            await self.send(
                c.SetMeasure(
                    action=action_id,
                    baseline=fields.baseline,
                    target=fields.target,
                    direction=fields.direction,
                    decision=fields.decision,
                )
            )

    @work(group="dialogs")
    async def action_add_action(self) -> None:
        fields = await self.app.push_screen_wait(ActionDialog(numbers=self._number_names()))
        if fields is not None:
            await self.send(
                c.AddAction(
                    text=fields.text,
                    owner=fields.owner,
                    due=fields.due,
                    metric=fields.metric,
                    baseline=fields.baseline,
                    target=fields.target,
                    direction=fields.direction,
                    decision=fields.decision,
                )
            )

    @work(group="dialogs")
    async def action_edit_action(self) -> None:
        key = self._table_key(ActionsPane)
        item = self.view.session.action(key) if key and self.view else None
        if item is None:
            return
        fields = await self.app.push_screen_wait(ActionDialog(item, numbers=self._number_names()))
        if fields is not None:
            await self._edit_action(item.id, fields)

    @work(group="dialogs")
    async def action_delete_action(self) -> None:
        key = self._table_key(ActionsPane)
        item = self.view.session.action(key) if key and self.view else None
        if item is None:
            return
        if await self.app.push_screen_wait(
            ConfirmDialog(f"Delete “{_preview(item.text)}”?", yes="Delete")
        ):
            await self.send_undoable(c.DeleteAction(action=item.id), "Action item deleted")

    # --- taking a change back ------------------------------------------------------------------
    @work(group="commands")
    async def action_undo(self) -> None:
        """Undo this person's latest change of this phase (the hub decides if it may)."""
        mine = self.view.session.undoable if self.view else ()
        what = mine[-1].what if mine else ""
        if await self.send(c.Undo()) and what:
            self.notify(f"Undone: {what.lower()}.", timeout=4, markup=False)

    # --- close ---------------------------------------------------------------------------------
    def action_roti(self, score: int) -> None:
        self.send_soon(c.Roti(score=score))

    def action_export(self) -> None:
        if self.exporter is None or self.view is None:
            return
        try:
            path = self.exporter(self.view.session)
        except OSError as error:
            self.notify(f"Could not export the notes: {error}", severity="error", markup=False)
            return
        self.notify(f"Notes exported to {path}", title="Exported", markup=False, timeout=10)

    def action_download_notes(self) -> None:
        """A browser participant gets the notes as a download (textual-serve delivers it);
        they are the notes of what this person may see."""
        if self.view is None:
            return
        session = self.view.session
        self.app.deliver_text(
            io.StringIO(session_markdown(session)),
            save_filename=default_export_name(session),
            mime_type="text/markdown",
        )
        self.notify("Your browser is downloading the notes.", timeout=6)

    # --- facilitator controls --------------------------------------------------------------------
    def action_next_phase(self) -> None:
        self.send_soon(c.NextPhase())

    def action_previous_phase(self) -> None:
        self.send_soon(c.PreviousPhase())

    def action_skip_phase(self) -> None:
        session = self.view.session if self.view else None
        target = (
            skip_target(session.phase, phases_of(session.data_step, session.health_step))
            if session is not None
            else None
        )
        if target is not None:
            self.send_soon(c.GoToPhase(phase=target.value))

    def action_timer_toggle(self) -> None:
        if self.view is None:
            return
        running = self.view.session.timer.running
        self.send_soon(c.TimerPause() if running else c.TimerResume())

    def action_timer_extend(self) -> None:
        self.send_soon(c.TimerExtend(seconds=60))

    def action_timer_reset(self) -> None:
        self.send_soon(c.TimerReset())

    def action_mute(self) -> None:
        self.muted = not self.muted
        self.notify("Bell off." if self.muted else "Bell on.", timeout=2)

    def action_toggle_presenting(self) -> None:
        if self.view is None or not isinstance(self.client, PresentingSwitch):
            return
        presenting = not self.view.presenting
        self.client.set_presenting(presenting)
        if presenting:
            self.notify("Presenting: this screen shows only what everyone may see.", timeout=4)
        else:
            self.notify(
                "Your own view: your private cards and votes show. Stop sharing this screen.",
                severity="warning",
                timeout=6,
            )

    def action_people(self) -> None:
        from retro_tui.ui.screens.people import PeopleDialog

        self.app.push_screen(PeopleDialog(lambda: self.view, self.send))

    # --- the parking lot (issue 16, part B) ------------------------------------------------
    def action_park(self) -> None:
        """Park or unpark the selection; at the review, mark last retro's parked item
        dealt with (or parked again)."""
        if self.view is None:
            return
        session = self.view.session
        if session.phase is Phase.REVIEW:
            key = self._table_key(ReviewPane)
            item = next((p for p in session.parked_before if p.id == key), None)
            if key is not None and item is None:
                self.notify("Select an item of last retro's parking lot.", severity="warning")
            if item is not None:
                self.send_soon(c.Park(target=item.id, parked=item.settled))
            return
        target = self.selected_target()
        if target is None:
            self.notify("Select a card or topic first.", severity="warning")
            return
        self.send_soon(c.Park(target=target, parked=not parking.is_parked(session, target)))

    # --- the health check (issue 16, part B) --------------------------------------------
    @work(group="dialogs")
    async def action_rate_health(self) -> None:
        from retro_tui.ui.screens.health_dialog import HealthDialog

        if self.view is None:
            return
        scores = await self.app.push_screen_wait(HealthDialog(self.view.session.health.dimensions))
        if scores is not None:
            await self.send(c.RateHealth(scores=scores))

    def action_reveal_health(self) -> None:
        self.send_soon(c.RevealHealth())

    def action_open_health(self) -> None:
        self.send_soon(c.GoToPhase(phase=Phase.HEALTH.value))

    def action_open_early(self) -> None:
        self.send_soon(c.OpenEarly())

    def action_skip_icebreaker(self) -> None:
        self.send_soon(c.SkipIcebreaker())

    def visible_pane(self) -> str | None:
        return self.query_one(ContentSwitcher).current

    def selected_target(self) -> str | None:
        """The selected item id in whatever pane is showing (for tests and the palette)."""
        pane = self.visible_pane()
        if pane == "pane-board":
            item = self.selected_item()
            return item.id if item else None
        if pane == "pane-discuss":
            return self.query_one(DiscussPane).highlighted()
        return None
