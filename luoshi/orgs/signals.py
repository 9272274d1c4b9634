"""Signals of the org tree, for apps that keep figures per subtree."""

from django.dispatch import Signal

# Sent by ``services.move_unit`` inside its transaction, after every path was rewritten; keyword
# arguments ``unit`` (already at its new place), ``old_path`` and ``new_path``.
unit_moved = Signal()
