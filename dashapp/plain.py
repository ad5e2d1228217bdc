"""Small HTML pages for Flask routes that answer outside Dash (errors of the file routes).

Built with markupsafe so that every message is escaped.
"""
from __future__ import annotations

from flask import Response
from markupsafe import escape

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} · GAS</title>
<link rel="stylesheet" href="/assets/bootstrap-5.3.8.min.css"></head>
<body class="bg-light"><main class="container py-5" style="max-width: 40rem">
<div class="card shadow-sm"><div class="card-body">
<h1 class="h4">{title}</h1><p class="mb-3">{message}</p>
<a class="btn btn-primary" href="/annotations">My annotations</a>
</div></div></main></body></html>"""


def message_page(title: str, message: str, status: int) -> Response:
    html = _PAGE.format(title=escape(title), message=escape(message))
    return Response(html, status=status, mimetype="text/html")
