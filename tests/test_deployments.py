"""prefect.yaml (for `prefect deploy --all`) and the deployments `dondoc up` applies are one list."""

from __future__ import annotations

from pathlib import Path

import yaml

from dondoc.flows.deployments import STANDING

ROOT = Path(__file__).resolve().parents[1]


def test_prefect_yaml_states_the_standing_deployments() -> None:
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    assert spec["deployments"] == STANDING


def test_the_review_schedule_uses_a_standing_deployment() -> None:
    from dondoc.tui.cli.review import REVIEW_DEPLOYMENT

    review = next(d for d in STANDING if d["name"] == REVIEW_DEPLOYMENT)
    assert review["entrypoint"] == "dondoc.flows.review.quarterly_review"
