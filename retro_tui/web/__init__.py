"""The web face: browsers join a retro through textual-serve, guarded by join links.

Never imports Textual: the web server runs beside the hub, not inside an app.
"""

from retro_tui.tab_env import IDENTITY_ENV, ROLE_ENV
from retro_tui.web.server import RetroWebServer
from retro_tui.web.tokens import new_token, tokens_equal

__all__ = ["IDENTITY_ENV", "ROLE_ENV", "RetroWebServer", "new_token", "tokens_equal"]
