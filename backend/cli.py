"""`gas` setup and admin commands: python -m backend.cli COMMAND.

  init                 create or migrate the databases and queues (idempotent)
  users promote EMAIL  make a user an admin

Client commands, over the JSON API (docs/api.md); GAS_URL (default
http://127.0.0.1:8050) and GAS_TOKEN (a personal API token) say where and who:

  submit FILE                 upload a VCF and start its annotation
  jobs                        list your jobs, newest first
  get JOB [--download DIR]    show a job; with --download, save its result and log in DIR
"""
from __future__ import annotations

import argparse
import sys

from backend.bootstrap import build
from backend.config import load_settings
from backend.db import migrate


def init(settings=None) -> None:
    settings = settings or load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.users_database_url)
    build(settings)   # the local adapters create their files, tables and subscriptions
    print(f"GAS data ready in {settings.data_dir.resolve()} ({settings.backend} backend)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gas", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create or migrate databases and queues")
    users = sub.add_parser("users", help="manage users")
    users_sub = users.add_subparsers(dest="action", required=True)
    promote = users_sub.add_parser("promote", help="make a user an admin")
    promote.add_argument("email")
    submit = sub.add_parser("submit", help="upload a VCF and start its annotation (GAS_URL, GAS_TOKEN)")
    submit.add_argument("file")
    submit.add_argument("--mode", choices=("all", "most_severe"), default="all",
                        help="a CSQ entry per transcript (all, the default) or only the most severe")
    sub.add_parser("jobs", help="list your jobs (GAS_URL, GAS_TOKEN)")
    get = sub.add_parser("get", help="show a job, optionally download its files (GAS_URL, GAS_TOKEN)")
    get.add_argument("job")
    get.add_argument("--download", metavar="DIR", help="save the annotated result and the log here")
    args = parser.parse_args(argv)

    if args.command in ("submit", "jobs", "get"):
        return _client_command(args)

    if args.command == "init":
        init()
    elif args.command == "users" and args.action == "promote":
        svc = build(load_settings())
        try:
            user = svc.users.set_admin(args.email)
        except KeyError:
            print(f"No user with email {args.email}; they must register first.", file=sys.stderr)
            return 1
        print(f"{user.email} is now an admin.")
    return 0


def _client_command(args) -> int:
    from backend import client
    try:
        api = client.Client.from_env()
        if args.command == "submit":
            return client.cmd_submit(api, args.file, sys.stdout, args.mode)
        if args.command == "jobs":
            return client.cmd_jobs(api, sys.stdout)
        return client.cmd_get(api, args.job, args.download, sys.stdout)
    except client.ApiError as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
