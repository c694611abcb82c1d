"""Read-only REST API of the public catalogue."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.models import FormFile, Material, Matter
from catalog.search import search_matters
from zuofeng.api_params import refuse_unknown_params


class MaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = Material
        fields = ["name", "originals", "copies", "notes"]


class FormFileSerializer(serializers.ModelSerializer):
    material = serializers.CharField(source="material_name", help_text="对应材料；空为整个事项通用")
    url = serializers.SerializerMethodField(help_text="下载地址（公开）")

    class Meta:
        model = FormFile
        fields = ["title", "kind", "material", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, form_file: FormFile) -> str:
        path = reverse("catalog:form_file", args=[form_file.matter.code, form_file.token])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class MatterSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    materials = MaterialSerializer(many=True, read_only=True)
    form_files = FormFileSerializer(many=True, read_only=True)
    is_immediate = serializers.BooleanField(read_only=True)

    class Meta:
        model = Matter
        fields = [
            "code",
            "name",
            "unit",
            "unit_name",
            "kind",
            "legal_basis",
            "steps",
            "fee",
            "statutory_limit_days",
            "promised_limit_days",
            "is_immediate",
            "online",
            "window_authority",
            "contact_phone",
            "place",
            "hours",
            "window",
            "materials",
            "form_files",
        ]


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is an error, not a silently ignored filter."""

    widget = forms.TextInput
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text not in self.VALUES:
            raise forms.ValidationError(
                f"应为 true 或 false（也可用 1 或 0），当前为“{value}”", code="invalid"
            )
        return self.VALUES[text]

    def validate(self, value: Any) -> None:
        pass


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class MatterFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", label="实施单位编码")
    immediate = StrictBooleanFilter(method="filter_immediate", label="即办件")
    online = StrictBooleanFilter(field_name="online", label="可网上办理")
    kind = django_filters.ChoiceFilter(choices=Matter.Kind.choices, label="事项类型")

    class Meta:
        model = Matter
        fields = ["unit", "immediate", "online", "kind"]

    def filter_immediate(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return (
            queryset.filter(promised_limit_days=0)
            if value
            else queryset.exclude(promised_limit_days=0)
        )


ALLOWED_PARAMS = {"q", "unit", "immediate", "online", "kind", "page", "format"}


class MatterViewSet(viewsets.ReadOnlyModelViewSet):
    """政务服务事项目录（公开）。"""

    serializer_class = MatterSerializer
    lookup_field = "code"
    filterset_class = MatterFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]

    def get_queryset(self) -> QuerySet:
        queryset = (
            Matter.objects.public()
            .select_related("unit")
            .prefetch_related("materials", "form_files")
            .order_by("code")
        )
        query = self.request.query_params.get("q", "")
        return search_matters(queryset, query) if query else queryset

    @extend_schema(parameters=[OpenApiParameter("q", str, description="中文关键词，如“营业执照”")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        refuse_unknown_params(request, ALLOWED_PARAMS)
        if len(request.query_params.get("q", "")) > 100:
            raise ValidationError({"q": "关键词不能超过 100 个字"})
        return super().list(request, *args, **kwargs)
