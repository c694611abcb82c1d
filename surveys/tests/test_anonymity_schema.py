"""Anonymity by construction: the token table and the response table share no key."""

from __future__ import annotations

from django.db import connection

from surveys.models import Response, TextAnswer, Token, TokenBatch


def _related_tables(model: type) -> set[str]:
    return {
        f.related_model._meta.db_table
        for f in model._meta.get_fields()
        if f.is_relation and f.related_model is not None
    }


def test_no_foreign_key_links_a_token_to_a_response_either_way() -> None:
    token_tables = {Token._meta.db_table, TokenBatch._meta.db_table}
    for model in (Response, TextAnswer):
        assert not (_related_tables(model) & token_tables)
    for model in (Token, TokenBatch):
        assert Response._meta.db_table not in _related_tables(model)
        assert TextAnswer._meta.db_table not in _related_tables(model)


def test_the_database_schema_has_no_constraint_between_tokens_and_responses(db: object) -> None:
    with connection.cursor() as cursor:
        for table in (Response._meta.db_table, TextAnswer._meta.db_table):
            constraints = connection.introspection.get_constraints(cursor, table)
            targets = {c["foreign_key"][0] for c in constraints.values() if c["foreign_key"]}
            assert targets == {"surveys_survey"}
        for table in (Token._meta.db_table, TokenBatch._meta.db_table):
            constraints = connection.introspection.get_constraints(cursor, table)
            targets = {c["foreign_key"][0] for c in constraints.values() if c["foreign_key"]}
            assert Response._meta.db_table not in targets


def test_a_response_has_a_random_key_and_only_a_day_never_a_time() -> None:
    assert Response._meta.pk.get_internal_type() == "UUIDField"
    kinds = {f.name: f.get_internal_type() for f in Response._meta.concrete_fields}
    assert "DateTimeField" not in kinds.values()
    assert kinds["day"] == "DateField"
    token_kinds = {f.get_internal_type() for f in Token._meta.concrete_fields}
    assert "DateTimeField" not in token_kinds and "DateField" not in token_kinds
