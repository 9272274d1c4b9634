"""Signals of the job runner, for apps that keep files or rows on behalf of their jobs."""

from django.dispatch import Signal

# Sent by the minute sweep after it failed jobs whose worker died, so apps can delete what those jobs left.
jobs_failed_by_sweep = Signal()
