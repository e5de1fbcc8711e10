"""The sweep split by province: the provinces' sweeps add up to the whole sweep.

A province's sweep reads only the tasks that may reach its units and sends only their
letters, each unit's letter whole; the union of every province's letters is the whole
sweep's, unit by unit, and after every province has swept, the whole sweep sends nothing.
A follow-up run of one task sends the day's letters of that task's units only.

Real parts: the shipped seed catalog (three provinces) loaded by `dondoc catalog load`
into SQLite and PostgreSQL, the sweep functions in this process, an HTTP endpoint on
127.0.0.1 receiving the letters.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from tests.cli import SHIPPED_PLANS, dondoc
from tests.remind_servers import HttpReceiver

DAY = dt.date(2023, 3, 1)


@pytest.fixture
def seeded(db_url: str, home: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    assert dondoc("catalog", "load", str(SHIPPED_PLANS), home=home, db_url=db_url).code == 0
    monkeypatch.setenv("DONDOC_HOME", str(home))
    monkeypatch.setenv("DONDOC_DATABASE_URL", db_url)
    monkeypatch.setenv("DONDOC_REMIND_LETTERS", "1")
    monkeypatch.delenv("DONDOC_APPRISE_CONFIG", raising=False)
    from dondoc.catalog.store.engines import engine_for

    engine = engine_for(db_url)
    yield engine
    engine.dispose()


def _targets(tmp_path: Path, port: int, engine):  # type: ignore[no-untyped-def]
    """Every unit's own URL on the receiver (one channel each, nothing to the outbox)."""
    from dondoc.tasks.notify import load_targets

    lines = ["version: 1", "urls:"]
    for code in sorted(_provinces(engine)):
        lines += [f"  - json://127.0.0.1:{port}/u/{code}:", f"      tag: {code}"]
    config = tmp_path / "apprise.yaml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_targets(config)


def _provinces(engine) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from dondoc.catalog.store.reminder_scan import unit_provinces

    with engine.connect() as conn:
        return unit_provinces(conn)


def test_provinces_add_up_to_the_whole_sweep(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from dondoc.catalog.store.reminder_scan import province_weights
    from dondoc.tasks.letters import sweep_letters

    engine = seeded
    with engine.connect() as conn:
        weights = province_weights(conn)
    names = [p for p, _ in weights]
    assert {"Hải Phòng", "Kiên Giang", "Thanh Hóa"} <= set(names)
    assert [n for _, n in weights] == sorted((n for _, n in weights), reverse=True)
    province_of = _provinces(engine)

    with HttpReceiver() as http:
        targets = _targets(tmp_path, http.port, engine)
        whole = sweep_letters(engine, DAY, targets, dry_run=True, backfill=True)
        parts = {p: sweep_letters(engine, DAY, targets, dry_run=True, backfill=True, province=p)
                 for p in names}
        assert http.count() == 0  # dry runs send nothing

        def letters(report) -> dict[str, frozenset[frozenset[str]]]:  # type: ignore[no-untyped-def]
            """Each unit's letters (one, or more where a plan keeps a task separate)."""
            out: dict[str, set[frozenset[str]]] = {}
            for d in report.deliveries:
                out.setdefault(d["unit"], set()).add(frozenset(d["keys"]))
            return {u: frozenset(v) for u, v in out.items()}

        expected = letters(whole)
        assert len(expected) > 20
        got: dict[str, frozenset[frozenset[str]]] = {}
        for p, report in parts.items():
            mine = letters(report)
            # a province's letters go to its own units only, and no unit is in two provinces
            assert all(province_of[u] == p for u in mine), (p, mine.keys())
            assert not set(mine) & set(got)
            got.update(mine)
            if mine:
                # it read only the tasks that may reach its units
                assert report.counts["tasks_scanned"] < whole.counts["tasks_scanned"]
        assert got == expected  # the same letters, unit by unit, with the same reminders
        assert sum(r.counts["due"] for r in parts.values()) == whole.counts["due"]

        # Sending for real, province by province: then the whole sweep has nothing left.
        sent = [sweep_letters(engine, DAY, targets, backfill=True, province=p) for p in names]
        n_letters = sum(len(v) for v in expected.values())
        assert sum(r.counts["sent"] for r in sent) == n_letters == http.count()
        assert all(n == 1 for n in Counter(r.key for r in http.received).values())
        again = sweep_letters(engine, DAY, targets, backfill=True)
        assert again.counts["sent"] == 0 and http.count() == n_letters


def test_per_task_sweep_keeps_its_province(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The per-task message mode (letters off) splits the same way."""
    from dondoc.tasks.remind import sweep

    engine = seeded
    province_of = _provinces(engine)
    with HttpReceiver() as http:
        targets = _targets(tmp_path, http.port, engine)
        whole = sweep(engine, DAY, targets, dry_run=True)
        keys = {d["key"] for d in whole.deliveries}
        got: set[str] = set()
        for p in sorted(set(province_of.values())):
            part = sweep(engine, DAY, targets, dry_run=True, province=p)
            mine = {d["key"] for d in part.deliveries}
            assert all(province_of[d["unit"]] == p for d in part.deliveries)
            assert not mine & got
            got |= mine
        assert got == keys and len(keys) > 50


def test_follow_up_run_sends_only_its_task_units_letters(seeded, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from dondoc.tasks.letters import sweep_letters, task_units
    from dondoc.tasks.remind import decide

    engine = seeded
    decision = decide(engine, DAY)
    # a task with something due on DAY, and units that are not its own
    by_task: dict[tuple[str, str], set[str]] = {}
    for row, _due, recipients in decision.items:
        by_task.setdefault((row.plan, row.code), set()).update(r.unit for r in recipients)
    everyone = set().union(*by_task.values())
    (plan, code), units = min(by_task.items(), key=lambda kv: len(kv[1]))
    assert units and units < everyone
    assert task_units(engine, DAY, plan, code) == frozenset(units)

    with HttpReceiver() as http:
        targets = _targets(tmp_path, http.port, engine)
        run = sweep_letters(engine, DAY, targets, backfill=True, units=frozenset(units))
        sent = [d["unit"] for d in run.deliveries if d["status"] == "sent"]
        assert set(sent) == units and http.count() == len(sent)
        # each letter holds all that is due to its unit that day, not only this task's
        whole = sweep_letters(engine, DAY, targets, backfill=True, dry_run=True)
        full = {d["unit"]: set(d["keys"]) for d in whole.deliveries}
        assert not any(u in full for u in units)  # nothing left for them
        assert set(full) == everyone - units
