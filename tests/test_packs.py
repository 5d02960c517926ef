"""Meta-tests of the policy packs: they match the catalogue and cite their sources verbatim.

The packs are validated with the pydantic models directly, so these tests do not depend on the
checks the packs name; only the area tests at the end load the checks.
"""

import csv
import hashlib
import re
import tomllib
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from connectors.registry import AREAS
from findings.packs import Pack, check_areas, load_checks, load_packs
from inventory.errors import UserError
from policies import PACKS_DIR, ROOT

SOURCES_DIR = ROOT / "sources"
CATALOGUE = SOURCES_DIR / "policy-catalogue.md"
CROSSWALK = PACKS_DIR / "crosswalk-2022-2026.csv"
RELATIONS = {"equivalent", "strengthened", "extended", "changed", "related", "subsumed", "no-successor"}
FIXED_SEVERITY = {
    "RBC22-C2000": "critical",
    "RBC22-STATESECRET": "critical",
    "RBC26-CLASSIFIED": "critical",
    "JENV25-CSP-SECTOOLS": "info",
    "RBC26-CRITICAL": "medium",
}
PACK_HEADING = re.compile(r"^## Pack `([a-z0-9-]+)`")
CONTROL_ROW = re.compile(r"^\| ([A-Z0-9]+(?:-[A-Z0-9]+)+) \|")


def catalogue_ids(text: str) -> dict[str, set[str]]:
    """Control ids per pack, read from the tables under each '## Pack `<id>`' heading."""
    ids: dict[str, set[str]] = {}
    pack = None
    for line in text.splitlines():
        if line.startswith("## "):
            heading = PACK_HEADING.match(line)
            pack = heading.group(1) if heading else None
            if pack:
                ids[pack] = set()
        elif pack and (row := CONTROL_ROW.match(line)):
            ids[pack].add(row.group(1))
    return ids


def normalise(text: str) -> str:
    return " ".join(text.split())


def load(path: Path) -> Pack:
    return Pack.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))


PACK_FILES = sorted(PACKS_DIR.glob("*.toml"))
PACKS = {path.stem: load(path) for path in PACK_FILES}
CATALOGUE_IDS = catalogue_ids(CATALOGUE.read_text(encoding="utf-8"))
CONTROLS = [(pack, control) for pack in PACKS.values() for control in pack.control]


def test_catalogue_parses_into_three_packs():
    assert set(CATALOGUE_IDS) == {"jenv-aenm-2025", "rijksbreed-2022", "rijksbreed-2026"}
    assert all(CATALOGUE_IDS.values())
    assert "RBC26-EEA" in CATALOGUE_IDS["rijksbreed-2026"]


def test_one_pack_file_per_catalogue_pack_named_by_its_id():
    assert set(PACKS) == set(CATALOGUE_IDS)
    assert all(pack.id == stem for stem, pack in PACKS.items())


@pytest.mark.parametrize("pack_id", sorted(CATALOGUE_IDS))
def test_pack_holds_exactly_the_catalogue_controls(pack_id):
    in_pack = {c.id for c in PACKS[pack_id].control}
    assert sorted(CATALOGUE_IDS[pack_id] - in_pack) == [], "catalogue controls missing from the pack"
    assert sorted(in_pack - CATALOGUE_IDS[pack_id]) == [], "pack controls not in the catalogue"


def test_control_ids_unique_across_packs():
    ids = [control.id for _, control in CONTROLS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("pack, control", CONTROLS, ids=[c.id for _, c in CONTROLS])
def test_quote_is_verbatim_in_source(pack, control):
    source = SOURCES_DIR / pack.pack.source_file
    assert normalise(control.quote) in normalise(source.read_text(encoding="utf-8"))


@pytest.mark.parametrize("control_id, severity", sorted(FIXED_SEVERITY.items()))
def test_severity_fixed_by_catalogue(control_id, severity):
    controls = {control.id: control for _, control in CONTROLS}
    assert controls[control_id].severity == severity


@pytest.mark.parametrize("pack, control", CONTROLS, ids=[c.id for _, c in CONTROLS])
def test_titles_short_and_plain(pack, control):
    for title in (control.title_nl, control.title_en):
        assert len(title) < 150
        assert "ensure" not in title.lower()


def test_only_2026_pack_has_the_transition_rule():
    transition = PACKS["rijksbreed-2026"].pack.transition
    assert (transition.existing_before, transition.deadline) == (date(2026, 7, 3), date(2030, 7, 3))
    assert PACKS["rijksbreed-2022"].pack.transition is None
    assert PACKS["jenv-aenm-2025"].pack.transition is None


def test_sources_unchanged_since_listed():
    readme = (SOURCES_DIR / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", readme, re.MULTILINE))
    cited = {pack.pack.source_file for pack in PACKS.values()}
    assert cited | {CATALOGUE.name} <= set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((SOURCES_DIR / name).read_bytes()).hexdigest() == digest, name


def crosswalk_rows() -> list[dict[str, str]]:
    with CROSSWALK.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_crosswalk_references_existing_controls():
    old = {c.id for c in PACKS["rijksbreed-2022"].control}
    new = {c.id for c in PACKS["rijksbreed-2026"].control}
    rows = crosswalk_rows()
    assert list(rows[0]) == ["rijksbreed_2022", "rijksbreed_2026", "relation", "rationale"]
    for row in rows:
        assert row["rijksbreed_2022"] in old
        assert row["rijksbreed_2026"] == "" or row["rijksbreed_2026"] in new
        assert row["relation"] in RELATIONS
        assert row["rationale"].strip()
        assert (row["rijksbreed_2026"] == "") == (row["relation"] == "no-successor")


def test_crosswalk_maps_every_2022_control():
    mapped = {row["rijksbreed_2022"] for row in crosswalk_rows()}
    assert mapped == {c.id for c in PACKS["rijksbreed-2022"].control}


def test_every_shipped_check_requires_only_declared_areas():
    assert load_packs(AREAS)
    required = {area for check in load_checks().values() for area in check.requires}
    assert required and required <= AREAS


def test_a_misspelt_area_is_refused():
    checks = load_checks()
    typo = checks["m365_teams_create"].model_copy(update={"requires": ("m365.setings",)})
    with pytest.raises(UserError, match=r"m365_teams_create\.toml: requires: unknown area 'm365.setings'"):
        check_areas(checks | {typo.id: typo}, AREAS)


def test_an_area_no_connector_declares_is_refused_when_the_packs_load():
    with pytest.raises(UserError, match=r"\.toml: requires: unknown area 'm365.settings'"):
        load_packs(AREAS - {"m365.settings"})


@pytest.mark.parametrize("pack, control", CONTROLS, ids=[c.id for _, c in CONTROLS])
def test_manual_guidance_is_in_dutch_and_english(pack, control):
    if control.manual_en is None and control.manual_nl is None:
        assert control.checks
        return
    assert control.manual_nl and control.manual_en and control.manual_nl != control.manual_en


def test_guidance_in_one_language_only_is_refused():
    control = PACKS["rijksbreed-2022"].model_dump()["control"][0]
    assert control["manual_nl"] and control["manual_en"]
    with pytest.raises(ValidationError, match=r"RBC22-POLICY: .*\(manual_nl (en|and) manual_en\)"):
        Pack.model_validate({**PACKS["rijksbreed-2022"].model_dump(), "control": [{**control, "manual_en": None}]})
