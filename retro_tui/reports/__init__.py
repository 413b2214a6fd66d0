"""After the meeting: action items followed across retros, insights over a team's history.

`followup`, `insights` and `similarity` are pure (sessions in, rows and figures out; no
I/O, no clock reads) and sit under the purity test. `folder` is the one module here that
touches disk: it loads every readable session of a sessions folder and writes a status
change under the session's lock. The `retro-tui actions`/`insights` commands and the
app's follow-up screens both call it, so the two front ends cannot drift apart.
"""
