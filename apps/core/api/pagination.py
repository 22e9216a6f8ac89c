from rest_framework.pagination import CursorPagination as BaseCursorPagination


class CursorPagination(BaseCursorPagination):
    """Stable pages under inserts: newest first, `?cursor=` to move, `?page_size=` up to 100."""

    ordering = ("-created", "-pk")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
