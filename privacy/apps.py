from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data as Decree 13/2023/NĐ-CP asks: consent, retention, residents' requests
    (export, correction, erasure) and the log of staff reads of contact details."""

    name = "privacy"
    verbose_name = _("Personal data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Log every staff read of contact details the feedback app announces."""
        from feedback.signals import contact_details_listed, contact_details_read
        from privacy.access_log import record_list_read, record_read

        contact_details_read.connect(record_read, dispatch_uid="privacy.record_read")
        contact_details_listed.connect(record_list_read, dispatch_uid="privacy.record_list_read")
