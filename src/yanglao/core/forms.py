"""Form fields for the values every registry form takes, checked by the same pure rules the
services use, so a form shows all its problems at once, in Chinese."""

from __future__ import annotations

from django import forms

from yanglao.core.idnumber import InvalidIdNumber, parse
from yanglao.core.phone import normalize_phone

REQUIRED = {"required": "此项为必填项"}
DATE_ERRORS = {"required": "此项为必填项", "invalid": "请输入正确的日期，如 2025-03-01"}


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO (2025-03-01): a browser's date input drops
    any other text, and Django would otherwise render the locale's "2025/03/01" — so opening an
    edit form and saving it unchanged erased its dates (issue 20, finding 5)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MonthInput(forms.DateInput):
    """A browser month picker (2025-03)."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class IdNumberField(forms.CharField):
    """居民身份证号码 (GB 11643): normalised, check character verified."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "身份证号")
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return parse(value).value
        except InvalidIdNumber as exc:
            raise forms.ValidationError(exc.reason) from None


class PhoneField(forms.CharField):
    """An 11-digit mobile or a landline with area code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return normalize_phone(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
