"""`python -m retro_tui` is the `retro-tui` command."""

from retro_tui.cli import main

main()
