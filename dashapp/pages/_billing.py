"""Pieces the profile, subscribe and confirmation pages share: the price and the tier badge."""
from __future__ import annotations

import dash_bootstrap_components as dbc

from backend.subscriptions import PREMIUM_INTERVAL, PREMIUM_PRICE_CENTS

PRICE = f"${PREMIUM_PRICE_CENTS / 100:,.2f}"
PRICE_TEXT = f"{PRICE} a {PREMIUM_INTERVAL}"


def tier_badge(premium: bool) -> dbc.Badge:
    return dbc.Badge("Premium" if premium else "Free", color="warning" if premium else "secondary",
                     text_color="dark" if premium else None, class_name="status-badge", id="tier-badge")


def kib(limit: int) -> str:
    return f"{limit / 1024:,.0f} KiB"
