"""Celery tasks of promos: expiry of old points, the news import, promotion announcements."""

from celery import shared_task

from apps.promos import services
from apps.promos.models import NewsFeed


@shared_task(name="promos.points_expire")
def points_expire_task() -> int:
    return services.points_expire()


@shared_task(name="promos.news_import_all")
def news_import_all_task() -> int:
    ids = list(NewsFeed.objects.filter(active=True).values_list("pk", flat=True))
    for feed_id in ids:
        news_feed_import_task.delay(feed_id=feed_id)
    return len(ids)


@shared_task(name="promos.news_feed_import")
def news_feed_import_task(*, feed_id: int) -> int:
    return services.news_feed_import(feed_id=feed_id)


@shared_task(name="promos.promotion_announce")
def promotion_announce_task(*, promotion_id: int) -> int:
    return services.promotion_announce(promotion_id=promotion_id)
