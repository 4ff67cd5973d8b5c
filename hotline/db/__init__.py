"""Self-service data: models, migrations, the embedded-database backend, `ivrctl db`.

    from hotline.db.migrate import upgrade      # upgrade(url): schema to the latest revision
    from hotline.db.backend import SqlBackend   # SqlBackend.from_settings() / .from_url(url, id_hash_key=...)
    from hotline.db.cli import db               # the click group to mount on ivrctl
"""
