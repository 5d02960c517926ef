"""On-premises endpoints over HTTPS: a certificate the scanner cannot verify is refused by default."""

import datetime
import ipaddress
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from connectors.base import ScanContext
from connectors.onprem.collect import OnpremConnector
from connectors.onprem.config import OnpremConfig
from connectors.onprem.rows import OnpremEndpoint
from inventory.rows import Collection
from scanner.demo.emulators.onprem import OnpremFake


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory):
    """(server SSL context, certificate file) of a self-signed certificate for 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "exchange.onprem.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file


def collect(url: str, **config) -> tuple[Collection, list[OnpremEndpoint]]:
    cfg = OnpremConfig(name="datacentrum", exchange_urls=[url], timeout_seconds=5, **config)
    rows = list(OnpremConnector(cfg, ScanContext()).collect())
    (record,) = [r for r in rows if isinstance(r, Collection)]
    return record, [r for r in rows if isinstance(r, OnpremEndpoint)]


def test_default_config_refuses_a_self_signed_certificate(self_signed):
    with OnpremFake("exchange", "15.2.1748.10", tls=self_signed[0]) as fake:
        assert fake.url.startswith("https://")
        record, endpoints = collect(fake.url)
    assert not record.ok and "CERTIFICATE_VERIFY_FAILED" in record.error
    assert endpoints == []


def test_the_certificate_is_trusted_through_ca_bundle(self_signed):
    """The same server, its certificate given as ``ca_bundle``: the build is read, so the refusal above was the check."""
    context, cert_file = self_signed
    with OnpremFake("exchange", "15.2.1748.10", tls=context) as fake:
        record, endpoints = collect(fake.url, ca_bundle=str(cert_file))
    assert record.ok
    assert [(e.build, e.version) for e in endpoints] == [("15.2.1748.10", "2019")]


def test_verification_can_be_switched_off(self_signed):
    with OnpremFake("exchange", "15.2.1748.10", tls=self_signed[0]) as fake:
        record, endpoints = collect(fake.url, verify_tls=False)
    assert record.ok and [e.build for e in endpoints] == ["15.2.1748.10"]
