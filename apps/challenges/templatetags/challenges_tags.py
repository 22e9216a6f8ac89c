"""Challenges in other apps' pages without a Python import of challenges (a profile page of
apps.groups shows a person's badges with `{% load challenges_tags %}{% person_badges p %}`)."""

from django import template

from apps.challenges import selectors

register = template.Library()


@register.simple_tag
def person_badges(person, limit: int = 24) -> list:
    """The person's latest badge awards (badge selected), newest first."""
    if person is None:
        return []
    return list(selectors.badge_cabinet(user=person)[:limit])
