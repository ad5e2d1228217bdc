"""Run localstripe on 127.0.0.1, with the Prices API it lacks.

Usage: python -m tests.stripe.localstripe_peer PORT

localstripe's own entry point binds every interface ("::") and reloads its
state from /tmp/localstripe.pickle; this one binds loopback only and keeps
its state in memory, so parallel runs never see each other's customers.

localstripe (1.15.10) implements the legacy Plans API but not Prices, which
Stripe has replaced plans with and which the adapter uses. Stripe itself
treats a recurring price and a plan as one thing (a price id is accepted
wherever a plan id is), so this shim does the same: a price is a localstripe
Plan with a "price_" id, found by lookup key, and `items[][price]` on a new
subscription is read as `items[][plan]`. Everything else (customers, card
checks, invoices, payments, cancelling) is localstripe's own behaviour.
"""
from __future__ import annotations

import sys

from aiohttp import web
from localstripe import server
from localstripe.errors import UserError
from localstripe.resources import Plan, Subscription, random_id, store


def _price_json(plan: Plan) -> dict:
    return {
        "id": plan.id, "object": "price", "active": plan.active, "created": plan.created,
        "currency": plan.currency, "unit_amount": plan.amount, "product": plan.product,
        "lookup_key": plan.metadata.get("_lookup_key"), "livemode": False, "type": "recurring",
        "recurring": {"interval": plan.interval, "interval_count": plan.interval_count, "usage_type": "licensed"},
        "metadata": {k: v for k, v in plan.metadata.items() if k != "_lookup_key"},
    }


def _prices() -> list[Plan]:
    return [obj for key, obj in store.items() if key.startswith("plan:price_")]


async def create_price(request):
    data = await server.get_post_data(request) or {}
    data.pop("expand", None)
    lookup_key = data.pop("lookup_key", None)
    transfer = str(data.pop("transfer_lookup_key", "false")).lower() == "true"
    recurring = data.pop("recurring", None) or {}
    product = data.pop("product", None) or data.pop("product_data", None)
    if not recurring.get("interval") or product is None:
        raise UserError(400, "Only recurring prices are supported by this shim")
    if lookup_key:
        holders = [p for p in _prices() if p.metadata.get("_lookup_key") == lookup_key]
        if holders and not transfer:
            raise UserError(400, "A price with this lookup_key already exists", {"code": "lookup_key_exists"})
        for p in holders:
            del p.metadata["_lookup_key"]
    metadata = dict(data.pop("metadata", None) or {})
    if lookup_key:
        metadata["_lookup_key"] = lookup_key
    plan = Plan(id="price_" + random_id(14), amount=data.pop("unit_amount", None), currency=data.pop("currency", None),
                interval=recurring["interval"], interval_count=recurring.get("interval_count", 1),
                product=product, metadata=metadata, **data)
    return server.json_response(_price_json(plan))


def list_prices(request):
    query = server.unflatten_data(request.query)
    keys = query.get("lookup_keys")
    keys = [keys] if isinstance(keys, str) else keys
    prices = [p for p in _prices() if keys is None or p.metadata.get("_lookup_key") in keys]
    if "active" in query:
        prices = [p for p in prices if p.active == (str(query["active"]).lower() == "true")]
    prices = prices[:int(query.get("limit", 10))]
    return server.json_response({"object": "list", "url": "/v1/prices", "has_more": False,
                                 "data": [_price_json(p) for p in prices]})


def retrieve_price(request):
    return server.json_response(_price_json(Plan._api_retrieve(request.match_info["id"])))


@web.middleware
async def subscription_items_by_price(request, handler):
    if request.method == "POST" and request.path == "/v1/subscriptions":
        data = await server.get_post_data(request) or {}
        expand = data.pop("expand", None)
        for item in data.get("items") or []:
            if "price" in item:
                item["plan"] = item.pop("price")
        return server.json_response(Subscription._api_create(**data)._export(expand=expand))
    return await handler(request)


def make_app() -> web.Application:
    app = server.app
    store.dump_to_disk = lambda: None          # state stays in this process
    app.middlewares.append(subscription_items_by_price)
    app.router.add_post("/v1/prices", create_price)
    app.router.add_get("/v1/prices", list_prices)
    app.router.add_get("/v1/prices/{id}", retrieve_price)
    return app


def main() -> None:
    port = int(sys.argv[1])
    web.run_app(make_app(), host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
