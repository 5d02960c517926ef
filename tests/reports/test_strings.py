"""Every word a report shows exists in Dutch and English: the strings file, the vocabularies and the templates."""

import re
import string
import typing

import pytest

from inventory.vocabulary import SEVERITIES, STATUSES
from reports.html import JS_STRINGS, TEMPLATES, strings
from scanner.config import Organisation

SCAN_STATUSES = ("running", "complete", "partial", "failed")  # scanner/run.py, the Scan.status description


def flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for key, value in table.items():
        out |= flatten(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}": value}
    return out


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_placeholders():
    nl, en = flatten(strings()["nl"]), flatten(strings()["en"])
    assert set(strings()) == {"nl", "en"}
    assert sorted(set(nl) ^ set(en)) == []
    for key in nl:
        assert nl[key].strip() and en[key].strip(), key
        assert placeholders(nl[key]) == placeholders(en[key]), key


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(("table", "values"), [
    ("status_names", STATUSES), ("status_short", STATUSES), ("severity_names", SEVERITIES),
    ("profile_names", typing.get_args(Organisation.model_fields["profile"].annotation)),
    ("scan_status_names", SCAN_STATUSES),
])
def test_every_value_of_a_vocabulary_is_named(lang, table, values):
    assert set(strings()[lang][table]) == set(values)


def test_templates_and_script_use_only_existing_keys():
    ui = strings()["nl"]
    for name, prefix, table in (("report.html.j2", "t", ui), ("cio.html.j2", "t", ui["cio"]), ("cio.html.j2", "ui", ui)):
        used = set(re.findall(rf"\b{prefix}\.([a-z_]+)", (TEMPLATES / name).read_text(encoding="utf-8")))
        assert used and used <= set(table), (name, sorted(used - set(table)))
    script = (TEMPLATES / "report.js.j2").read_text(encoding="utf-8")
    assert set(re.findall(r"\bt\.([a-z_]+)", script)) <= {*JS_STRINGS, "status_names", "severity_names"}
    assert set(JS_STRINGS) <= set(ui)
