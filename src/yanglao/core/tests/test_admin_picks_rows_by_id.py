"""Issue 21 (smaller things): the Django admin's older-person page listed 6,000 names in one
dropdown (1.8 s). Every foreign key on every admin form of the platform is picked by id (a raw-id
box with a look-up), never by a dropdown of the other table's rows."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def test_no_admin_form_lists_another_tables_rows(users):
    request = RequestFactory().get("/admin/")
    request.user = users["admin"]
    dropdowns = []
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("yanglao."):
            continue
        form = model_admin.get_form(request)
        for name, field in form.base_fields.items():
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue  # a form-only field (the user form's password choices)
            if isinstance(model_field, models.ForeignKey | models.ManyToManyField):
                widget = getattr(field.widget, "widget", field.widget)
                if not isinstance(
                    widget,
                    admin.widgets.ForeignKeyRawIdWidget
                    | admin.widgets.ManyToManyRawIdWidget,
                ):
                    dropdowns.append(f"{model.__name__}.{name}")
    assert dropdowns == [], dropdowns
