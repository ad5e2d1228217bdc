"""The WSGI entry point: `gunicorn dashapp.wsgi:app`. Settings come from the environment."""
from dashapp import create_app

app = create_app()
