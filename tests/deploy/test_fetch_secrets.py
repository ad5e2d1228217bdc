"""deploy/cloud/fetch_secrets: SecureStrings from Parameter Store (moto on 127.0.0.1) into a 0600 EnvironmentFile."""
from __future__ import annotations

import stat

import pytest

from deploy.cloud import fetch_secrets
from tests.aws.moto_peer import unique


@pytest.fixture
def ssm(aws_endpoint):
    import boto3
    return boto3.client("ssm")


def test_writes_required_and_present_optional_secrets(ssm, tmp_path):
    prefix = "/" + unique("gas")
    ssm.put_parameter(Name=f"{prefix}/DATABASE_URL", Type="SecureString",
                      Value='postgresql://gas:p"a\\ss@db.internal/gas')
    ssm.put_parameter(Name=f"{prefix}/GAS_SECRET_KEY", Type="SecureString", Value="k" * 64)
    out = tmp_path / "etc" / "secrets.env"
    rc = fetch_secrets.main(["--prefix", prefix, "--require", "DATABASE_URL,GAS_SECRET_KEY",
                             "--optional", "STRIPE_SECRET_KEY", "--out", str(out)])
    assert rc == 0
    assert out.read_text() == ('DATABASE_URL="postgresql://gas:p\\"a\\\\ss@db.internal/gas"\n'
                               f'GAS_SECRET_KEY="{"k" * 64}"\n')
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_missing_required_secret_is_named(ssm, tmp_path, capsys):
    prefix = "/" + unique("gas")
    rc = fetch_secrets.main(["--prefix", prefix, "--require", "DATABASE_URL", "--out", str(tmp_path / "s.env")])
    assert rc == 1
    assert f"{prefix}/DATABASE_URL" in capsys.readouterr().err
    assert not (tmp_path / "s.env").exists()


def test_refuses_a_line_break():
    with pytest.raises(ValueError, match="line break"):
        fetch_secrets.environment_file({"X": "a\nb"})
