"""Nothing that identifies a person is published: the contract's columns, and on PostgreSQL
the columns the publications actually carry."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

from federation import contract


def test_no_contract_column_names_a_person():
    for tables in (contract.UP_TABLES, contract.DOWN_TABLES):
        for table, columns in tables.items():
            for column in columns:
                assert not any(word in column for word in contract.PERSONAL), (table, column)


def test_the_contract_lists_every_column_of_each_published_table():
    models = {m._meta.db_table: m for m in apps.get_app_config("federation").get_models()}
    for tables in (contract.UP_TABLES, contract.DOWN_TABLES):
        for table, columns in tables.items():
            have = {f.column for f in models[table]._meta.concrete_fields}
            assert set(columns) == have, table


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="publications need PostgreSQL")
def test_postgresql_publishes_exactly_the_contract_columns():
    for name, tables in (
        (contract.UP_PUBLICATION, contract.UP_TABLES),
        (contract.DOWN_PUBLICATION, contract.DOWN_TABLES),
    ):
        published = contract.published_columns(name)
        assert {t: set(c) for t, c in published.items()} == {t: set(c) for t, c in tables.items()}
