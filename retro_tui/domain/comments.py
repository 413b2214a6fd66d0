"""Comments on a topic during discuss: short, cleaned like card text, shown under the
topic on every screen and in the notes.

In an anonymous retro a comment is stored without its author, so no view, export or
session file can tell who wrote it.
"""

from __future__ import annotations

from datetime import datetime

from retro_tui.domain import commands as c
from retro_tui.domain import text as t
from retro_tui.domain.errors import Refused
from retro_tui.domain.model import Participant, Session
from retro_tui.domain.phases import Phase
from retro_tui.domain.room import COMMENT_MAX, Comment
from retro_tui.domain.room_views import comments_on
from retro_tui.domain.rules import _handles, _in_phase, _new_id

COMMENTS_PER_TOPIC = 100
MAX_COMMENTS = 2000


@_handles(c.AddComment)
def _add_comment(session: Session, actor: Participant, cmd: c.AddComment, now: datetime) -> Session:
    _in_phase(session, "comment on a topic", Phase.DISCUSS)
    if not session.is_vote_target(cmd.target):
        raise Refused("That topic no longer exists.")
    text = t.clean_text(cmd.text, "A comment", COMMENT_MAX)
    if len(comments_on(session, cmd.target)) >= COMMENTS_PER_TOPIC:
        raise Refused(f"A topic holds at most {COMMENTS_PER_TOPIC} comments.")
    if len(session.comments) >= MAX_COMMENTS:
        raise Refused(f"This session holds at most {MAX_COMMENTS} comments.")
    cid, session = _new_id(session, "m")
    author = "" if session.settings.anonymous else actor.id
    comment = Comment(id=cid, target=cmd.target, author=author, text=text, created_at=now)
    return session.with_changes(comments=(*session.comments, comment))
