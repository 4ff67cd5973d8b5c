"""Self-service data: models, migrations, the embedded-database backend, `ivrctl db`.

- `hotline.db.migrate.upgrade(url)`: bring a database to the latest schema.
- `hotline.db.backend.SqlBackend.from_settings()` or `.from_url(url, id_hash_key=...)`:
  the default `ivr.selfservice.SelfServiceBackend`.
- `hotline.db.cli.db`: the click group to mount on ivrctl.
"""
