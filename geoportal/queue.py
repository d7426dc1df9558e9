"""The task queue's connectors: jobs deferred from Django code are written on Django's own
connection, inside the caller's transaction, in the web process and in workers alike.

procrastinate's ``manage.py procrastinate worker`` swaps the app's Django connector for a
psycopg pool of its own (``get_worker_connector``). The worker itself only uses that pool
asynchronously; a synchronous ``task.defer()`` from inside a job (a sweep that writes a
workflow step, whose notification is deferred in the step's transaction) would otherwise
go through the pool, on another connection, and outlive a rollback. Set as
``PROCRASTINATE_ON_APP_READY``.
"""

from procrastinate import App, BaseConnector, PsycopgConnector
from procrastinate.contrib.django import settings as procrastinate_settings
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.utils import connector_params


class WorkerConnector(PsycopgConnector):
    """The worker's pool for the worker's own queries; Django's connection for defers."""

    def get_sync_connector(self) -> BaseConnector:
        """Synchronous calls (``defer()`` from a task's thread) use Django's connection."""
        return DjangoConnector(alias=procrastinate_settings.settings.DATABASE_ALIAS)


class TransactionalConnector(DjangoConnector):
    """Django's connection, and a worker connector that keeps defers on it."""

    def get_worker_connector(self) -> BaseConnector:
        """The pool ``manage.py procrastinate`` runs the worker on."""
        return WorkerConnector(kwargs=connector_params(self.alias))


def on_app_ready(app: App) -> None:
    """Give the app the connector above (procrastinate calls this at Django's start)."""
    connector = TransactionalConnector(alias=procrastinate_settings.settings.DATABASE_ALIAS)
    app.connector = connector
    app.job_manager.connector = connector
