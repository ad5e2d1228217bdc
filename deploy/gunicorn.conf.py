"""gunicorn settings for the GAS web app (`gunicorn -c deploy/gunicorn.conf.py dashapp.wsgi:app`)."""
import multiprocessing
import os

bind = os.environ.get("GAS_BIND", "127.0.0.1:8050")
workers = int(os.environ.get("GAS_WEB_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
threads = 4                      # uploads and downloads stream; threads keep pages responsive meanwhile
timeout = 120
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
# Each worker builds its own app (nothing shared at import), so pre-loading is safe and saves memory.
preload_app = True
