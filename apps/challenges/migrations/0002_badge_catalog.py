"""The starting badge catalog (staff add more in the admin)."""

from django.db import migrations

CATALOG = [
    # slug, criterion, threshold, image, {lang: title}, {lang: description}
    (
        "first-5k",
        "single_distance",
        5000,
        "challenges/badges/first-5k.svg",
        {"en": "First 5 km", "ru": "Первые 5 км", "de": "Erste 5 km"},
        {
            "en": "One activity of 5 km or more.",
            "ru": "Одна тренировка на 5 км или больше.",
            "de": "Eine Aktivität über 5 km oder mehr.",
        },
    ),
    (
        "100k-month",
        "month_distance",
        100000,
        "challenges/badges/100k-month.svg",
        {"en": "100 km in a month", "ru": "100 км за месяц", "de": "100 km in einem Monat"},
        {
            "en": "100 km or more within one calendar month.",
            "ru": "100 км или больше за один календарный месяц.",
            "de": "100 km oder mehr in einem Kalendermonat.",
        },
    ),
    (
        "7-day-streak",
        "streak",
        7,
        "challenges/badges/streak.svg",
        {"en": "7-day streak", "ru": "7 дней подряд", "de": "7 Tage am Stück"},
        {
            "en": "Active seven days in a row.",
            "ru": "Тренировки семь дней подряд.",
            "de": "Sieben Tage hintereinander aktiv.",
        },
    ),
    (
        "personal-record",
        "personal_record",
        0,
        "challenges/badges/record.svg",
        {"en": "Personal record", "ru": "Личный рекорд", "de": "Persönliche Bestzeit"},
        {
            "en": "A best time over a standard distance.",
            "ru": "Лучшее время на стандартной дистанции.",
            "de": "Eine Bestzeit über eine Standarddistanz.",
        },
    ),
]


def add(apps, schema_editor):
    Badge = apps.get_model("challenges", "Badge")
    for slug, criterion, threshold, image, title, description in CATALOG:
        Badge.objects.update_or_create(
            slug=slug,
            defaults={
                "criterion": criterion,
                "threshold": threshold,
                "image": image,
                "title": title,
                "description": description,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("challenges", "Badge").objects.filter(
        slug__in=[row[0] for row in CATALOG], awards__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("challenges", "0001_challenges_badges_leaderboards")]

    operations = [migrations.RunPython(add, remove)]
