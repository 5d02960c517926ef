"""What the packs say about transition and comply-or-explain: explicit per control, with the text cited."""

import re
import tomllib

import pytest
from pydantic import ValidationError

from findings.packs import Pack, load_packs
from policies import PACKS_DIR, ROOT

ROUTES = {"RBC22-SPECIAL": ("transfer_mechanism", "sent_to_cio_rijk"), "RBC22-BASISREG": ("advice_requested", "advised_on")}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_only_2022_conditions_10_and_11_give_an_explain_route():
    routes = {c.id: c.explain.requires for p in load_packs().values() for c in p.control if c.explain.allowed}
    assert routes == ROUTES


@pytest.mark.parametrize("control_id", ROUTES)
def test_an_explain_route_is_quoted_verbatim(control_id):
    pack = load_packs()["rijksbreed-2022"]
    control = next(c for c in pack.control if c.id == control_id)
    source = (ROOT / "sources" / pack.pack.source_file).read_text(encoding="utf-8")
    assert normalise(control.explain.basis) in normalise(source)


def test_transition_never_for_classified_data():
    controls = {c.id: c for c in load_packs()["rijksbreed-2026"].control}
    assert controls["RBC26-CLASSIFIED"].transition is False
    assert "blijft niet toegestaan" in controls["RBC26-CLASSIFIED"].transition_basis


@pytest.mark.parametrize("field", ["transition", "transition_basis"])
def test_a_pack_with_a_transition_must_state_it_per_control(field):
    data = tomllib.loads((PACKS_DIR / "rijksbreed-2026.toml").read_text(encoding="utf-8"))
    Pack.model_validate(data)
    del data["control"][3][field]
    with pytest.raises(ValidationError, match="set transition and transition_basis"):
        Pack.model_validate(data)


def test_every_control_states_whether_it_can_be_explained():
    data = tomllib.loads((PACKS_DIR / "rijksbreed-2022.toml").read_text(encoding="utf-8"))
    del data["control"][0]["explain"]
    with pytest.raises(ValidationError, match="explain"):
        Pack.model_validate(data)
