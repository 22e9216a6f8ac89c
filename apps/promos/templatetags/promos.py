"""`{% dashboard_news as articles %}`: the latest articles in the reader's language and
country, for the dashboard (training's template includes `promos/_dashboard_news.html`)."""

from django import template

from apps.promos import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_news(context, limit: int = 3):
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return list(
        selectors.article_list_for(user=request.user, language=request.LANGUAGE_CODE)[:limit]
    )
