"""Config and register validation: bad input gives one line naming the file, the field and the problem."""

from pathlib import Path

import pytest

from findings.packs import all_controls
from inventory.errors import UserError
from scanner.config import load_config
from scanner.register import load_register
from scanner.run import _connectors

ROOT = Path(__file__).parent.parent


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_valid():
    config = load_config(ROOT / "config.example.toml")
    assert config.aws[0].name == "aws-productie"
    assert config.register_path == ROOT / "register.toml"


def test_example_register_is_valid():
    register, text = load_register(ROOT / "register.example.toml", set(all_controls()))
    assert register.service[0].exit_strategy.regular
    assert "[[service]]" in text


@pytest.mark.parametrize("body, message", [
    ('packs = ["rijksbreed-2030"]', "packs: unknown pack 'rijksbreed-2030'"),
    ('[[aws]]\nname = "a"\nregions = []', "aws.0.regions: List should have at least 1 item"),
    ('[[aws]]\nname = "a"\nendpoint_url = "http://10.0.0.5:5000"', "aws.0.endpoint_url: plain http is only allowed for loopback hosts"),
    ('[[aws]]\nname = "a"\nregoins = ["eu-west-1"]', "aws.0.regoins: Extra inputs are not permitted"),
    ('[[m365]]\nname = "t"\ntenant_id = "x"\ncredential = "client_secret"', "m365.0: credential = "
                                                                            "'client_secret' needs client_id, client_secret_env"),
    ('[organisation]\nprofile = "huge"', "organisation.profile: Input should be"),
    ('[[aws]]\nname = "a"\n[[aws]]\nname = "a"', "name: 'a' is used by more than one source table"),
    ('database = ', "not valid TOML"),
    ('[[m365]]\nname = "t"\ntenant_id = "x"\nmax_concurrency = 4', "m365.0: max_concurrency is now max_workers"),
    ('[[onprem]]\nname = "o"\nmax_workers = 0', "onprem.0.max_workers: Input should be greater than or equal to 1"),
])
def test_bad_config_names_file_field_and_problem(tmp_path, body, message):
    path = write(tmp_path, "config.toml", body)
    with pytest.raises(UserError) as caught:
        load_config(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


def test_missing_config_file(tmp_path):
    with pytest.raises(UserError, match="config.toml: file not found"):
        load_config(tmp_path / "config.toml")


def test_relative_paths_are_relative_to_the_config_file(tmp_path):
    path = write(tmp_path, "config.toml", 'register = "reg.toml"\ndatabase = "sqlite:///inv.db"')
    config = load_config(path)
    assert config.register_path == tmp_path / "reg.toml"
    assert config.database == f"sqlite:///{tmp_path / 'inv.db'}"


SERVICE = '[[service]]\nprovider = "aws"\naccount = "1"\nname = "x"\n'


@pytest.mark.parametrize("body, message", [
    (SERVICE + 'classification = "geheim"', "service.0.classification: Input should be"),
    (SERVICE + 'risk_assessment = { reference = "R" }', "service.0.risk_assessment.date: Field required"),
    (SERVICE + SERVICE, "service: aws account '1' is listed twice"),
    ('[[explain]]\ncontrol = "RBC26-EEA"\njustification = "j"\napprover = "a"\ndate = 2026-01-01\nexpires = 2025-01-01',
     "explain.0: expires must be after date"),
    ('[[explain]]\ncontrol = "RBC99-NOPE"\njustification = "j"\napprover = "a"\ndate = 2026-01-01\nexpires = 2027-01-01',
     "explain.0.control: unknown control id 'RBC99-NOPE'"),
    ('[[attestation]]\ncontrol = "RBC22-POLICY"\nreference = "r"\nattested_by = "b"\ndate = "yesterday"',
     "attestation.0.date: Input should be a valid date"),
])
def test_bad_register_names_file_field_and_problem(tmp_path, body, message):
    path = write(tmp_path, "register.toml", body)
    with pytest.raises(UserError) as caught:
        load_register(path, set(all_controls()))
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


def test_a_source_max_workers_overrides_the_scan_default(tmp_path):
    path = write(tmp_path, "config.toml", '[scan]\nmax_workers = 3\n[[aws]]\nname = "a"\nregions = ["eu-west-1"]\n'
                                          '[[onprem]]\nname = "o"\n[[onprem]]\nname = "p"\nmax_workers = 5\n')
    workers = {source.name: connector.context.max_workers for _, source, connector in _connectors(load_config(path))}
    assert workers == {"a": 3, "o": 3, "p": 5}
