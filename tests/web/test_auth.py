"""Login, registration, the login guard and CSRF."""
from __future__ import annotations

import pytest

from dashapp.auth import BAD_LOGIN
from tests.web.conftest import PASSWORD, callback, csrf, login, post_json


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/healthz", "/assets/gas.css"])
def test_public_paths_open_without_login(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/annotate", "/annotations", "/annotations/abc", "/annotations/abc/log", "/nowhere"])
def test_pages_redirect_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"


def test_callback_refused_without_login(client):
    response = callback(client, "..jobs-grid.rowData...jobs-interval.disabled..",
                        [{"id": "jobs-interval", "property": "n_intervals", "value": 1}])
    assert response.status_code == 401
    assert response.get_json()["login_url"] == "/login"


def test_page_router_renders_public_pages_but_not_private_ones(client):
    def route(path):
        return callback(client, ".._pages_content.children..._pages_store.data..",
                        [{"id": "_pages_location", "property": "pathname", "value": path},
                         {"id": "_pages_location", "property": "search", "value": ""}])
    assert route("/login").status_code == 200
    assert route("/annotations").status_code == 401


def test_api_refused_without_login(client):
    assert post_json(client, "/api/uploads", {"file_name": "a.vcf"}).status_code == 401


def test_register_then_login(client):
    response = client.post("/auth/register", data={"email": "new@example.org", "name": "New Person",
                                                   "password": PASSWORD, "password2": PASSWORD,
                                                   "csrf_token": csrf(client)})
    assert response.headers["Location"] == "/login"
    response = login(client, "new@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/annotations"
    assert client.get("/annotations").status_code == 200


def test_register_error_is_shown(client, user):
    response = client.post("/auth/register", data={"email": user.email, "name": "Again", "password": PASSWORD,
                                                   "password2": PASSWORD, "csrf_token": csrf(client)})
    assert response.headers["Location"] == "/register"
    with client.session_transaction() as session:
        assert "exists already" in session["_flashes"][0][1]


@pytest.mark.parametrize("email,password", [("ada@example.org", "wrong password!"), ("nobody@example.org", PASSWORD)])
def test_unknown_user_and_wrong_password_give_the_same_error(client, user, email, password):
    response = login(client, email, password)
    assert response.headers["Location"] == "/login"
    with client.session_transaction() as session:
        assert session["_flashes"] == [("danger", BAD_LOGIN)]


def test_repeated_failures_are_throttled(client, user):
    for _ in range(5):
        login(client, user.email, "wrong password!")
    login(client, user.email)   # even the right password waits now
    with client.session_transaction() as session:
        assert "Too many failed attempts" in session["_flashes"][-1][1]
    assert client.get("/annotations").status_code == 302


def test_login_redirects_only_to_local_next(client, user):
    data = {"email": user.email, "password": PASSWORD, "csrf_token": csrf(client)}
    assert client.post("/auth/login", data={**data, "next": "/annotate"}).headers["Location"] == "/annotate"
    data["csrf_token"] = csrf(client)
    assert client.post("/auth/login", data={**data, "next": "//evil.example/x"}).headers["Location"] == "/annotations"


def test_login_without_csrf_token_is_refused(client, user):
    client.get("/login")
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 403


def test_json_and_callbacks_need_the_csrf_header(logged_in):
    assert post_json(logged_in, "/api/uploads", {"file_name": "a.vcf"}, token="forged").status_code == 403
    response = callback(logged_in, "..jobs-grid.rowData...jobs-interval.disabled..",
                        [{"id": "jobs-interval", "property": "n_intervals", "value": 1}], token="")
    assert response.status_code == 403


def test_logout(logged_in):
    response = logged_in.post("/auth/logout", data={"csrf_token": csrf(logged_in)})
    assert response.headers["Location"] == "/"
    assert logged_in.get("/annotations").status_code == 302


def test_logging_out_ends_a_copied_session_cookie_too(app, client, user):
    login(client, user.email)
    assert client.get("/annotations").status_code == 200
    with client.session_transaction() as session:
        stolen = dict(session)                      # someone copied the cookie
    client.post("/auth/logout", data={"csrf_token": csrf(client)})
    thief = app.test_client()
    with thief.session_transaction() as session:
        session.update(stolen)
    assert thief.get("/annotations").status_code == 302
