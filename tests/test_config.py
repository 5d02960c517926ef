"""Config and register validation: bad input gives one line naming the file, the field and the problem."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from findings.packs import all_controls
from inventory.errors import UserError
from scanner.cli import main
from scanner.config import load_config
from scanner.register import load_register, register_rows
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
    register, text = load_register(ROOT / "register.example.toml", all_controls())
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


SERVICE = '[[service]]\nprovider = "aws"\naccount = "1"\nname = "x"\nmaterial = true\n'
DEVIATION = 'justification = "j"\napprover = "a"\ndate = 2026-06-01\nexpires = 2027-01-01\n'
SCOPED = 'provider = "aws"\naccount = "1"\n'


@pytest.mark.parametrize("body, message", [
    (SERVICE + 'classification = "geheim"', "service.0.classification: Input should be"),
    (SERVICE + 'risk_assessment = { reference = "R" }', "service.0.risk_assessment.date: Field required"),
    (SERVICE + SERVICE, "service: aws account '1' is listed twice"),
    ('[[explain]]\ncontrol = "RBC26-EEA"\njustification = "j"\napprover = "a"\ndate = 2026-01-01\nexpires = 2025-01-01',
     "explain.0: expires must be after date"),
    ('[[explain]]\ncontrol = "RBC99-NOPE"\nscope = "all"\njustification = "j"\napprover = "a"\ndate = 2026-01-01\nexpires = 2027-01-01',
     "explain.0.control: unknown control id 'RBC99-NOPE'"),
    ('[[attestation]]\ncontrol = "RBC22-POLICY"\nreference = "r"\nattested_by = "b"\ndate = "yesterday"',
     "attestation.0.date: Input should be a valid date"),
    (SERVICE.replace("material = true\n", ""), "service.0.material: Field required"),
    (SERVICE.replace("material = true", 'material = "yes"'), "service.0.material: Input should be a valid boolean"),
    (SERVICE + "contract_end = 2031-12-31", "service.0: contract_start is required with contract_end"),
    (SERVICE + 'pet = ["none"]', "service.0.pet.0: Input should be 'pseudonymisation'"),
    (SERVICE + 'pet = ["geen"]', "service.0.pet.0: Input should be 'pseudonymisation'"),
    *[(f'[[explain]]\ncontrol = "{control}"\n' + SCOPED + DEVIATION,
       f"explain.0.control: {control} has no comply-or-explain route in its policy text")
      for control in ("RBC22-STATESECRET", "RBC26-CLASSIFIED", "RBC22-C2000", "RBC26-EEA")],
    ('[[explain]]\ncontrol = "RBC22-SPECIAL"\n' + DEVIATION,
     'explain.0: name provider and account, or set scope = "all"'),
    ('[[explain]]\ncontrol = "RBC22-SPECIAL"\nprovider = "aws"\n' + DEVIATION,
     'explain.0: name provider and account, or set scope = "all"'),
    ('[[explain]]\ncontrol = "RBC22-SPECIAL"\nscope = "all"\n' + SCOPED + DEVIATION,
     'explain.0: scope = "all" names no provider, account or resource'),
    ('[[explain]]\ncontrol = "RBC22-BASISREG"\n' + SCOPED + DEVIATION + "advice_requested = 2026-06-02",
     "explain.0: CIO Rijk's advice (advice_requested, advised_on) must precede the approval date"),
    ('[[accepted_risk]]\ncontrol = "RBC22-STATESECRET"\n' + DEVIATION,
     'accepted_risk.0: name provider and account, or set scope = "all"'),
])
def test_bad_register_names_file_field_and_problem(tmp_path, body, message):
    path = write(tmp_path, "register.toml", body)
    with pytest.raises(UserError) as caught:
        load_register(path, all_controls())
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


@pytest.mark.parametrize("body, message", [
    ('database = "postgresql+pg8000://scanner@db.example/ww"',
     "database: the driver pg8000 for postgresql+pg8000 is not installed"),
    ('database = "oracle-ish://db"', "database: not a database URL"),
    ('database = "nosuchdb://db"', "database: unknown database kind in 'nosuchdb'"),
    ('[[m365]]\nname = "t"\ntenant_id = "x"\nauthority = "http://login.microsoftonline.com"',
     "m365.0.authority: must be an https URL, not 'http://login.microsoftonline.com'"),
    ('[[azure]]\nname = "a"\ntenant_id = "x"\nauthority = "http://127.0.0.1:8080"', "azure.0.authority: must be an https URL"),
    ('[[onprem]]\nname = "o"\nexchange_urls = ["http://mail.voorbeeld.nl/owa/"]',
     "onprem.0.exchange_urls.0: plain http is only allowed for loopback hosts, not 'mail.voorbeeld.nl'"),
    ('[[onprem]]\nname = "o"\nsharepoint_urls = ["ftp://intranet/"]', "onprem.0.sharepoint_urls.0: not an http(s) URL"),
    ('[[onprem]]\nname = "o"\nca_bundle = "rijks-ca.pem"', "onprem.0.ca_bundle: file not found: "),
    ('[[onprem]]\nname = "o"\nverify_tls = "yes"', "onprem.0.verify_tls: Input should be a valid boolean"),
    ('[[m365]]\nname = "t"\ntenant_id = "x"\nexchange_admin_api = 1', "m365.0.exchange_admin_api: Input should be a valid boolean"),
    ('[[aws]]\nname = "a"\nmax_workers = "8"', "aws.0.max_workers: Input should be a valid integer"),
    ('[scan]\ndeadline_minutes = "120"', "scan.deadline_minutes: Input should be a valid number"),
    ('[scan]\nbusy_timeout_seconds = 0', "scan.busy_timeout_seconds: Input should be greater than 0"),
    ('[[aws]]\nname = "a"\nconcurrency = {s4 = 8}', "aws.0.concurrency.s4.[key]: Input should be 's3', 'kms', 'dynamodb', 'sqs' or 'sns'"),
    ('[[azure]]\nname = "z"\ntenant_id = "t"\nconcurrency = {sql = 0}', "azure.0.concurrency.sql: Input should be greater than or equal to 1"),
    ('[[m365]]\nname = "t"\ntenant_id = "x"\nconcurrency = {graph = "8"}', "m365.0.concurrency.graph: Input should be a valid integer"),
])
def test_config_values_are_checked_strictly(tmp_path, body, message):
    path = write(tmp_path, "config.toml", body)
    with pytest.raises(UserError) as caught:
        load_config(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


def test_ca_bundle_is_relative_to_the_config_file(tmp_path):
    (tmp_path / "rijks-ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    config = load_config(write(tmp_path, "config.toml", '[[onprem]]\nname = "o"\nca_bundle = "rijks-ca.pem"'))
    assert config.onprem[0].ca_bundle == str(tmp_path / "rijks-ca.pem")


@pytest.mark.parametrize("make, message", [
    (lambda path: path.mkdir(), "is a directory, not a file"),
    (lambda path: path.write_bytes('name = "Caf\u00e9"'.encode("latin-1")), "not UTF-8 text (byte 11)"),
])
def test_unreadable_config_and_register_files(tmp_path, make, message):
    for name, load in (("config.toml", load_config), ("register.toml", lambda p: load_register(p, {}))):
        make(tmp_path / name)
        with pytest.raises(UserError, match=f"^{re.escape(str(tmp_path / name))}: {re.escape(message)}$"):
            load(tmp_path / name)


def test_a_bad_config_is_one_unwrapped_line_on_stderr(tmp_path):
    folder = tmp_path / ("a-long-folder-name-" * 6)
    folder.mkdir()
    path = write(folder, "config.toml", '[[onprem]]\nname = "o"\nverify_tls = "yes"')
    result = CliRunner().invoke(main, ["scan", "--config", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {path}: onprem.0.verify_tls: Input should be a valid boolean\n"


def test_a_source_max_workers_overrides_the_scan_default(tmp_path):
    path = write(tmp_path, "config.toml", '[scan]\nmax_workers = 3\n[[aws]]\nname = "a"\nregions = ["eu-west-1"]\n'
                                          '[[onprem]]\nname = "o"\n[[onprem]]\nname = "p"\nmax_workers = 5\n')
    workers = {source.name: connector.context.max_workers for _, source, connector in _connectors(load_config(path))}
    assert workers == {"a": 3, "o": 3, "p": 5}


def test_register_explain_with_a_route_and_accepted_risks_are_snapshotted(tmp_path):
    path = write(tmp_path, "register.toml", SERVICE + "\n"
                 + '[[explain]]\ncontrol = "RBC22-SPECIAL"\nscope = "all"\n' + DEVIATION
                 + 'transfer_mechanism = "SCC"\nsent_to_cio_rijk = 2026-06-10\n'
                 + '[[accepted_risk]]\ncontrol = "RBC22-STATESECRET"\n' + SCOPED + DEVIATION)
    register, _ = load_register(path, all_controls())
    snapshot = {type(r).__name__: r for r in register_rows(register)}
    explain, risk = snapshot["RegisterExplain"], snapshot["RegisterAcceptedRisk"]
    assert (explain.control_id, explain.provider, explain.transfer_mechanism, str(explain.sent_to_cio_rijk)) == (
        "RBC22-SPECIAL", None, "SCC", "2026-06-10")
    assert (risk.control_id, risk.provider, risk.account_id, risk.approver) == ("RBC22-STATESECRET", "aws", "1", "a")



def test_a_source_concurrency_reaches_its_connector(tmp_path):
    path = write(tmp_path, "config.toml", '[scan]\nmax_workers = 3\n[[aws]]\nname = "a"\nregions = ["eu-west-1"]\n'
                                          'concurrency = {s3 = 32}\n[[onprem]]\nname = "o"\n')
    limits = {source.name: (connector.context.limit("s3"), connector.context.limit("kms"))
              for _, source, connector in _connectors(load_config(path))}
    assert limits == {"a": (32, 3), "o": (3, 3)}
