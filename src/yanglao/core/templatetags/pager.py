"""The pager's page-jump form keeps the list's filters as hidden fields."""

from django import template

register = template.Library()


@register.filter
def kept_params(params, page_param: str) -> list[tuple[str, str]]:
    """The query string's (name, value) pairs but the page number and the page size."""
    return [
        (key, value)
        for key, values in params.lists()
        if key not in (page_param, "size")
        for value in values
    ]
