"""Fixtures for the check and rule tests: the golden estate's outcome per check, computed once."""


import pytest

from .golden import golden_estate, run


@pytest.fixture(scope="session")
def golden(tmp_path_factory):
    """golden(check_id, profile=..., control_id=...) -> the golden estate's outcome for that check."""
    cache = {}

    def outcome(check_id: str, profile: str = "ministry", control_id: str | None = None):
        key = (check_id, profile, control_id)
        if key not in cache:
            cache[key] = run(tmp_path_factory.mktemp("golden"), golden_estate(), check_id,
                             profile=profile, control_id=control_id)
        return cache[key]
    return outcome
