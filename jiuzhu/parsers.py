"""The API's JSON parser: a body nested past JSON_MAX_DEPTH is a 400 saying so.

Python's decoder recurses once per level: a body of a thousand nested lists raised
RecursionError, which DRF does not catch (it catches ValueError), so the API answered 500.
No request of this API nests more than a few levels."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

JSON_MAX_DEPTH = 32


def too_deep(data, limit: int = JSON_MAX_DEPTH) -> bool:
    """Whether ``data`` nests lists and objects deeper than ``limit`` (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = node.values()
        elif not isinstance(node, list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in node)
    return False


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        message = _("The JSON body nests deeper than %(depth)s levels.") % {"depth": JSON_MAX_DEPTH}
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(message, code="json_too_deep") from None
        if too_deep(data):
            raise ParseError(message, code="json_too_deep")
        return data
