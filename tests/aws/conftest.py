"""Fixtures: a moto server on a free loopback port, reset before every test."""

import logging

import pytest
from aws_support import Aws, post
from moto.server import ThreadedMotoServer


@pytest.fixture(scope="session")
def moto_url():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # otherwise ~1300 AMI snapshots per region
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
        server.stop()


@pytest.fixture
def aws(moto_url, monkeypatch, tmp_path):
    """Fake credentials from the environment, a clean moto, and the helpers of :class:`Aws`."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                        "AWS_CONFIG_FILE": str(tmp_path / "none"),
                        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    post(f"{moto_url}/moto-api/reset")
    yield Aws(moto_url)
    post(f"{moto_url}/moto-api/reset-auth", b"inf")  # IAM enforcement off again, if a test turned it on
