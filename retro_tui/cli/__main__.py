"""`python -m retro_tui.cli` is the `retro-tui` command too."""

from retro_tui.cli import main

main()
