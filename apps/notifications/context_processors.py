from django.utils.functional import SimpleLazyObject


def unread(request):
    """`NOTIFICATIONS_UNREAD` for the badge in the menu: counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        from apps.notifications.selectors import notification_unread_count

        return notification_unread_count(user=user)

    return {"NOTIFICATIONS_UNREAD": SimpleLazyObject(count)}
