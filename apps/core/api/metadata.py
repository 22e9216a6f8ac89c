"""OPTIONS answers for the API.

DRF's SimpleMetadata describes the POST/PUT body by instantiating the view's serializer, which
fails with a 500 on views that pick serializers per method (no `serializer_class`), and would
also tell anyone the fields of endpoints they may not use. Clients read the OpenAPI schema
(/api/schema/) instead, so OPTIONS names the view and its media types only."""

from rest_framework.metadata import BaseMetadata


class SchemaPointerMetadata(BaseMetadata):
    def determine_metadata(self, request, view):
        return {
            "name": view.get_view_name(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
            "schema": "/api/schema/",
        }
