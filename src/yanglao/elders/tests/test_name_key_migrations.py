"""The name-key migrations run one after the other on a registry that already has people (an
upgrade through both at once): every key once."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db.models import Count

from yanglao.elders.models import NameKey

pytestmark = pytest.mark.django_db


def test_backfilling_both_migrations_writes_each_key_once(make_elder):
    make_elder(name="王秀英")
    NameKey.objects.all().delete()
    for module in ("0006_name_search_keys", "0007_syllable_aligned_name_keys"):
        migration = importlib.import_module(f"yanglao.elders.migrations.{module}")
        fill = (
            migration.fill_name_index
            if module.startswith("0006")
            else migration.add_aligned_keys
        )
        fill(apps, None)
    twice = (
        NameKey.objects.values("elder", "key").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert list(twice) == []
    assert NameKey.objects.filter(key="wang'xiu'ying").count() == 1
