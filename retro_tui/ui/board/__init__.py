"""The board, where most changes land: one screen for every phase.

`state` declares and sets what the board holds and decides which keys it offers (through
`keys`, the one table of bindings and rules); `actions` holds the verbs, one
`action_<name>` per key; `screen` lays it out and follows the hub; `hints` says what
each phase is for, naming keys from the bindings; `panes` says which pane shows which
phase. This module imports nothing, so a tab's process loads only what it uses.
"""
