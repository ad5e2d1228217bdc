"""Write GAS's secrets from SSM Parameter Store into a systemd EnvironmentFile (mode 0600).

  python -m deploy.cloud.fetch_secrets --prefix /gas/production \\
      --require DATABASE_URL,GAS_SECRET_KEY --optional STRIPE_SECRET_KEY --out /etc/gas/secrets.env

Each NAME is read from the parameter `<prefix>/NAME` (a SecureString, decrypted
here) and written as the variable NAME. The instance user data runs this at
boot with its role's instance profile, so secrets never appear in the
CloudFormation template, the user data or the launch template.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def fetch(ssm, prefix: str, required: list[str], optional: list[str]) -> dict[str, str]:
    """The value of each name under `prefix`; raises if a required one is missing."""
    prefix = prefix.rstrip("/")
    wanted = required + optional
    values: dict[str, str] = {}
    for start in range(0, len(wanted), 10):                 # GetParameters takes at most 10 names
        batch = wanted[start:start + 10]
        answer = ssm.get_parameters(Names=[f"{prefix}/{n}" for n in batch], WithDecryption=True)
        for p in answer["Parameters"]:
            values[p["Name"].rsplit("/", 1)[-1]] = p["Value"]
    missing = [n for n in required if n not in values]
    if missing:
        raise LookupError(
            f"These secrets are missing from Parameter Store: {', '.join(f'{prefix}/{n}' for n in missing)}. "
            f"Create each with `aws ssm put-parameter --type SecureString --name NAME --value VALUE`, then reboot "
            f"the instance (or run this again).")
    return values


def environment_file(values: dict[str, str]) -> str:
    """systemd EnvironmentFile text: each value double-quoted, backslashes and quotes escaped."""
    lines = []
    for name, value in sorted(values.items()):
        if "\n" in value or "\r" in value:
            raise ValueError(f"The secret {name} holds a line break; store it on one line.")
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'{name}="{escaped}"')
    return "\n".join(lines) + "\n"


def write_private(path: Path, text: str) -> None:
    """Write `text` readable by the owner only, replacing any old file in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _names(raw: str) -> list[str]:
    return [n.strip() for n in raw.split(",") if n.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.cloud.fetch_secrets", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prefix", required=True, help="the Parameter Store path, e.g. /gas/production")
    parser.add_argument("--require", default="", help="comma-separated names that must exist")
    parser.add_argument("--optional", default="", help="comma-separated names used when present")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)

    from backend.adapters.aws_resources import client
    try:
        values = fetch(client("ssm"), args.prefix, _names(args.require), _names(args.optional))
        write_private(args.out, environment_file(values))
    except (LookupError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{len(values)} secrets from {args.prefix} written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
