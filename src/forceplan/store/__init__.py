"""The store: SQLAlchemy tables, Alembic migrations, bulk load and record repositories.

Knows ``forceplan.standard`` and nothing above it.
"""

from forceplan.store.database import Database

__all__ = ["Database"]
