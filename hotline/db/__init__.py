"""The database: self-service data and call records (models, migrations), `ivrctl db`.

- `hotline.db.migrate.upgrade(url)`: bring a database to the latest schema.
- `hotline.db.backend.SqlBackend.from_settings()` or `.from_url(url, id_hash_key=...)`:
  the default `ivr.selfservice.SelfServiceBackend`.
- `hotline.db.records_store.RecordStore`: call records, messages and callback tasks.
- `hotline.db.cli.db`: the click group to mount on ivrctl.
"""
