"""Figures as people read them: 1:05:30, 10.5 km or 6.52 mi, 5:12 /km."""

from django import template
from django.utils.translation import gettext as _

from apps.training.metrics import MILE

register = template.Library()


@register.filter
def duration(seconds) -> str:
    if seconds in (None, ""):
        return "—"
    seconds = round(float(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


@register.filter
def distance(metres, units: str = "metric") -> str:
    if metres in (None, ""):
        return "—"
    if units == "imperial":
        return _("%(value).2f mi") % {"value": float(metres) / MILE}
    return _("%(value).2f km") % {"value": float(metres) / 1000}


@register.filter
def pace(split: dict, unit_m: float) -> str:
    """Time per unit (km or mile) of a split, whatever its length."""
    if not split or not split.get("distance_m"):
        return "—"
    per_unit = split["moving_s"] or split["elapsed_s"]
    return duration(per_unit * float(unit_m) / split["distance_m"])


@register.filter
def effort_label(key: str) -> str:
    labels = {
        "400m": _("400 m"),
        "1k": _("1 km"),
        "1mi": _("1 mile"),
        "5k": _("5 km"),
        "10k": _("10 km"),
        "half": _("Half marathon"),
        "marathon": _("Marathon"),
    }
    return labels.get(key, key)


@register.filter
def metres(value) -> str:
    return "—" if value in (None, "") else _("%(value)d m") % {"value": round(float(value))}


@register.filter
def sport_label(code: str) -> str:
    from apps.training.models import Sport

    try:
        return Sport(code).label
    except ValueError:
        return code
