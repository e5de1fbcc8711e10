"""Typed messages that the app's thread workers post back to the UI thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from textual.message import Message

from dondoc.catalog.store.actions import ActionResult
from dondoc.catalog.store.readmodel import Snapshot, TaskDetail


class DataLoaded(Message):
    """A new snapshot of every view (or, first, just the overdue list)."""

    def __init__(self, snapshot: Snapshot, marker: tuple[Any, ...] | None, seq: int) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.marker = marker
        self.seq = seq  # which load: a later one supersedes


class DetailLoaded(Message):
    def __init__(self, task_id: int, detail: TaskDetail | None) -> None:
        super().__init__()
        self.task_id = task_id
        self.detail = detail


class ActionDone(Message):
    def __init__(self, result: ActionResult, summary: str) -> None:
        super().__init__()
        self.result = result
        self.summary = summary


class RequestDecided(Message):
    """A unit's request accepted or refused: what answers.decide returned."""

    def __init__(self, result: dict[str, Any], summary: str) -> None:
        super().__init__()
        self.result = result
        self.summary = summary


@dataclass(frozen=True)
class UndoCandidate:
    action: str
    task_key: str
    at: dt.datetime


class UndoPreview(Message):
    """What undo would reverse (None: nothing to undo), so the user can confirm it."""

    def __init__(self, candidate: UndoCandidate | None) -> None:
        super().__init__()
        self.candidate = candidate


class MarkerChecked(Message):
    def __init__(self, marker: tuple[Any, ...]) -> None:
        super().__init__()
        self.marker = marker


class UnitTasksLoaded(Message):
    """The tasks one unit holds (groups it belongs to included), for the units view's Enter."""

    def __init__(self, code: str, name: str, task_ids: frozenset[int]) -> None:
        super().__init__()
        self.code = code
        self.name = name
        self.task_ids = task_ids
