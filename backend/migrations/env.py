"""Alembic environment: the URL comes from the caller (backend.db), never from a file."""
from alembic import context
from sqlalchemy import create_engine

from backend.users import Base

url = context.config.get_main_option("sqlalchemy.url")
engine = create_engine(url)
try:
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
finally:
    engine.dispose()   # a pooled connection left open would hold the database
