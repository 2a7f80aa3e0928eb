from tests.api.conftest import app, as_role, client, fresh_app, store  # noqa: F401
