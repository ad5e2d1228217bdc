"""Register a local account: a plain form that POSTs to /auth/register."""
import dash
from dash import html

from backend.users import MIN_PASSWORD_LENGTH
from dashapp.pages._forms import auth_card, field

dash.register_page(__name__, path="/register", name="Register", title="Register · GAS", order=6)


def layout(**_):
    return auth_card(
        "Create your account", "/auth/register",
        [field("Name", "name", autoComplete="name"),
         field("Email", "email", "email", autoComplete="username"),
         field(f"Password (at least {MIN_PASSWORD_LENGTH} characters)", "password", "password",
               autoComplete="new-password", minLength=MIN_PASSWORD_LENGTH),
         field("Password again", "password2", "password", autoComplete="new-password")],
        "Register",
        ["Have an account? ", html.A("Log in", href="/login")],
    )
