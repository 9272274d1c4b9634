"""A lifecycle as a pure table: which action moves which state where, who may do it, what it records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext

from luoshi.core.errors import RuleViolation
from luoshi.tracking.choices import Light


@dataclass(frozen=True)
class Transition:
    label: str | Promise
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change
    perm: str
    event: str


class Workflow:
    """The transitions of one mechanism, and the name its items go by in messages (问题, 工单, 任务)."""

    def __init__(self, noun: str | Promise, states: type[models.TextChoices], transitions: dict[str, Transition]):
        self.noun = noun
        self.states = states
        self.transitions = transitions

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def step(self, action: str, state: str) -> Transition:
        """The transition for ``action`` from ``state``, or a ``RuleViolation`` that says why not."""
        step = self.transitions[action]
        if state not in step.sources:
            raise RuleViolation(
                gettext("{noun}当前状态为「{state}」，不能执行「{action}」。").format(
                    noun=self.noun, state=self.states(state).label, action=step.label
                ),
                code="illegal_transition",
            )
        return step

    def actions_from(self, state: str) -> list[str]:
        return [name for name, step in self.transitions.items() if state in step.sources]

    def name_of(self, step: Transition) -> str:
        return next(name for name, known in self.transitions.items() if known is step)

    @staticmethod
    def target_of(step: Transition, state: str) -> str:
        return step.target or state


def light_for(done: bool, deadline: date, today: date, yellow_days: int) -> str:
    """Red: past the deadline and not done; yellow: due within ``yellow_days``; green otherwise."""
    if done:
        return Light.GREEN
    if deadline < today:
        return Light.RED
    if (deadline - today).days <= yellow_days:
        return Light.YELLOW
    return Light.GREEN
