"""Ward ratings in the admin: the aspects (vi/en names, order, active), and the ratings for
moderating their comments. Ratings themselves are the residents': read-only here, and the
resident's key is never shown."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ratings.models import CommentStatus, RatingAspect, WardRating, WardRatingVersion
from ratings.services import MODERATE_PERMISSION, set_comment_status


@admin.register(RatingAspect)
class RatingAspectAdmin(admin.ModelAdmin):
    """The aspects residents may score: names in both languages, order, active or not."""

    list_display = ("code", "name_vi", "name_en", "active", "order")
    list_editable = ("active", "order")
    search_fields = ("code", "name_vi", "name_en")


class VersionInline(admin.TabularInline):
    """The earlier versions of a rating."""

    model = WardRatingVersion
    extra = 0
    can_delete = False
    readonly_fields = ("overall", "aspects", "comment", "comment_status", "rated_at", "replaced_at")

    def has_add_permission(self, request, obj=None) -> bool:
        """History is written by the service only."""
        return False


@admin.register(WardRating)
class WardRatingAdmin(admin.ModelAdmin):
    """Ratings for moderation: approve or hide comments (``ratings.moderate_wardrating``)."""

    list_display = ("id", "ward", "period_start", "overall", "comment", "comment_status")
    list_filter = ("comment_status", "period_start")
    search_fields = ("comment", "ward__code", "ward__name")
    fields = ("ward", "period_start", "overall", "aspects", "comment", "comment_status")
    readonly_fields = ("ward", "period_start", "overall", "aspects", "comment", "comment_status")
    inlines = [VersionInline]
    actions = ["approve_comments", "hide_comments"]

    def has_add_permission(self, request) -> bool:
        """Ratings come from residents only."""
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        """Read-only: comments change state through the moderation actions."""
        return False

    def has_moderate_permission(self, request) -> bool:
        """Whether the user may approve or hide comments."""
        return request.user.has_perm(MODERATE_PERMISSION)

    def _moderate(self, request, queryset, status: str) -> None:
        count = set_comment_status(queryset, status)
        self.message_user(
            request,
            _("%(count)d comment(s) set to %(status)s.")
            % {"count": count, "status": CommentStatus(status).label},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Approve the comments (make them public)"), permissions=["moderate"]
    )
    def approve_comments(self, request, queryset) -> None:
        """Make the selected ratings' comments public."""
        self._moderate(request, queryset, CommentStatus.APPROVED)

    @admin.action(description=_("Hide the comments"), permissions=["moderate"])
    def hide_comments(self, request, queryset) -> None:
        """Keep the selected ratings' comments from the public."""
        self._moderate(request, queryset, CommentStatus.HIDDEN)
