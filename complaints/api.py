"""Staff REST API of complaints: the scoped list, one complaint, and the steps after filing
(triage, respond, answer, callback, close).

Reads go through `Complaint.objects.visible_to` (another unit's complaint is a 404); each
step calls the `complaints.handling.actions` function, whose refusals map to HTTP: Conflict →
409, ValidationError → 400, PermissionDenied → 403. No serializer here has a field for the
complainant's identity: it lives sealed in its own table, which this module never reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, QuerySet
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.classifier.words import whole_words
from complaints.handling import actions
from complaints.models import Complaint, ComplaintCategory, ComplaintEvent
from org.models import Unit
from zuofeng.access import IsStaffMember, api_permission
from zuofeng.api_params import ConflictResponse, action_error_detail, refuse_unknown_params
from zuofeng.duty.models import WarningLevel
from zuofeng.duty.ordering import with_urgency
from zuofeng.validation import TextSerializerField

# --- output -----------------------------------------------------------------------------------


class ComplaintSerializer(serializers.ModelSerializer):
    """One complaint in a list: what was reported, about whom, and where it stands."""

    unit = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="被举报单位编码（甄别前可能为空）"
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)
    handling_unit = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="承办单位编码（分办前为空）"
    )
    handling_unit_name = serializers.CharField(
        source="handling_unit.name", read_only=True, default=None
    )
    suggested_category = serializers.CharField(
        source="suggested_category_id", read_only=True, help_text="系统建议类别代码"
    )
    category = serializers.CharField(
        source="category_id", read_only=True, allow_null=True, help_text="确认类别代码"
    )
    # Plain strings in the schema: enums named "status", "channel" or "callback" would
    # collide with the cases' and ratings' own.
    status = serializers.CharField(
        read_only=True, help_text="状态代码：" + "、".join(Complaint.Status.values)
    )
    channel = serializers.CharField(
        read_only=True, help_text="渠道代码：" + "、".join(Complaint.Channel.values)
    )
    callback = serializers.CharField(
        read_only=True,
        help_text="回访结果代码（未回访为空）：" + "、".join(Complaint.Callback.values),
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    category_words = serializers.SerializerMethodField(
        help_text="系统建议类别的判断依据（整词，已去除虚词和单字）"
    )

    class Meta:
        model = Complaint
        fields = [
            "id",
            "number",
            "channel",
            "channel_display",
            "status",
            "status_display",
            "received_at",
            "text",
            "place",
            "occurred_on",
            "unit",
            "unit_name",
            "subject_name",
            "subject_is_head",
            "suggested_category",
            "confidence",
            "category_words",
            "category",
            "handling_unit",
            "handling_unit_name",
            "triaged_at",
            "due_at",
            "warning_level",
            "escalation_level",
            "respond_due_at",
            "responded_at",
            "resolve_due_at",
            "answered_at",
            "callback",
            "callback_at",
            "reopen_count",
            "closed_at",
        ]
        read_only_fields = fields

    def get_category_words(self, complaint: Complaint) -> list[str]:
        return whole_words(complaint.text, complaint.category_words)


class ComplaintEventSerializer(serializers.ModelSerializer):
    # A plain string in the schema: an enum named "kind" would collide with other apps'.
    kind = serializers.CharField(read_only=True, help_text="环节代码，如 triaged、answered")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = ComplaintEvent
        fields = ["kind", "kind_display", "at", "actor", "note", "public_note"]

    def get_actor(self, event: ComplaintEvent) -> str | None:
        if event.actor is None:
            return None
        return event.actor.get_full_name() or event.actor.username


class ComplaintDetailSerializer(ComplaintSerializer):
    answer = serializers.CharField(read_only=True)
    # Reveals are left out: who looked at an identity, and why, is for the office's log.
    events = ComplaintEventSerializer(source="timeline", many=True, read_only=True)
    attachment_count = serializers.IntegerField(read_only=True)
    cluster_size = serializers.IntegerField(
        source="cluster.size",
        read_only=True,
        default=None,
        allow_null=True,  # not in a cluster: null, and the schema says so
        help_text="同类举报件数（未归入同类时为空）",
    )

    class Meta(ComplaintSerializer.Meta):
        fields = [
            *ComplaintSerializer.Meta.fields,
            "answer",
            "events",
            "attachment_count",
            "cluster_size",
        ]
        read_only_fields = fields


# --- input ----------------------------------------------------------------------------------


class TriageInput(serializers.Serializer):
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ComplaintCategory.objects.all(),
        help_text="确认或更正的类别代码：mindset、service、bureaucratism、formalism、"
        "disconnect、integrity、other",
    )
    unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="被举报单位编码（更正或补充时填写）",
    )
    subject_is_head = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="被举报人是否单位一把手；不填则按姓名判断",
    )
    note = TextSerializerField(required=False, allow_blank=True, max_length=1000, default="")


class RespondInput(serializers.Serializer):
    note = TextSerializerField(max_length=1000, help_text="响应说明（内部）")


class AnswerInput(serializers.Serializer):
    text = TextSerializerField(max_length=2000, help_text="答复内容（举报人凭回执可见）")


class CallbackInput(serializers.Serializer):
    result = serializers.ChoiceField(choices=Complaint.Callback.choices, help_text="回访结果")
    note = TextSerializerField(required=False, allow_blank=True, max_length=1000, default="")


class CloseInput(serializers.Serializer):
    reason = TextSerializerField(max_length=1000, help_text="办结理由（督查室）")


ERROR_RESPONSES = {
    400: OpenApiResponse(description="输入有误（如缺少说明，或分办时未指明被举报单位）"),
    403: OpenApiResponse(description="无权进行这一步（如不是承办单位的工作人员）"),
    404: OpenApiResponse(description="举报不存在或不属于本单位"),
    409: OpenApiResponse(
        response=ConflictResponse, description="举报当前状态不允许这一步（如未分办即答复）"
    ),
}


def _step_schema(summary: str, request: Any) -> Callable[[Any], Any]:
    return extend_schema(
        summary=summary,
        request=request,
        responses={200: ComplaintDetailSerializer, **ERROR_RESPONSES},
    )


# --- the viewset ----------------------------------------------------------------------------


class ComplaintFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[("open", "未办结"), *Complaint.Status.choices],
        method="filter_status",
        label="状态（open 为所有未办结）",
    )
    warning_level = django_filters.ChoiceFilter(choices=WarningLevel.choices, label="预警")
    category = django_filters.CharFilter(field_name="category_id", label="确认类别代码")
    channel = django_filters.ChoiceFilter(choices=Complaint.Channel.choices, label="渠道")
    unit = django_filters.CharFilter(field_name="handling_unit__code", label="承办单位编码")
    about = django_filters.CharFilter(field_name="unit__code", label="被举报单位编码")

    class Meta:
        model = Complaint
        fields = ["status", "warning_level", "category", "channel", "unit", "about"]

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.open() if value == "open" else queryset.filter(status=value)


ALLOWED_PARAMS = {
    "status",
    "warning_level",
    "category",
    "channel",
    "unit",
    "about",
    "page",
    "format",
}


@extend_schema_view(
    list=extend_schema(
        summary="举报列表（承办单位为转本单位的举报；督查室为全部；纪检为廉洁类），红色预警在前",
        responses={
            200: ComplaintSerializer(many=True),
            400: OpenApiResponse(description="不支持的查询参数或取值"),
        },
    ),
    retrieve=extend_schema(
        summary="举报详情（不含举报人身份）",
        responses={200: ComplaintDetailSerializer, 404: ERROR_RESPONSES[404]},
    ),
)
class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """监督举报：甄别分办（督查室）、响应、答复、回访、办结。举报人身份不经接口提供。"""

    permission_classes = [IsAuthenticated, IsStaffMember]
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    parser_classes = [JSONParser, FormParser]

    def get_queryset(self) -> QuerySet:
        queryset = Complaint.objects.visible_to(self.request.user).select_related(
            "unit", "handling_unit"
        )
        if self.action == "list":
            return with_urgency(queryset, oldest="received_at")
        return self._with_details(queryset)

    @staticmethod
    def _with_details(queryset: QuerySet) -> QuerySet:
        timeline = ComplaintEvent.objects.exclude(kind=ComplaintEvent.Kind.REVEALED)
        return (
            queryset.select_related("cluster")
            .annotate(attachment_count=Count("attachments"))
            .prefetch_related(
                Prefetch("events", queryset=timeline.select_related("actor"), to_attr="timeline")
            )
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return ComplaintSerializer if self.action == "list" else ComplaintDetailSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        refuse_unknown_params(request, ALLOWED_PARAMS)
        return super().list(request, *args, **kwargs)

    def _run(
        self,
        request: Request,
        input_class: type[serializers.Serializer],
        step: Callable[[Complaint, dict[str, Any]], Any],
    ) -> Response:
        complaint = self.get_object()  # 404 for a complaint this user may not see
        given = input_class(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            step(complaint, dict(given.validated_data))
        except DjangoValidationError as exc:
            raise ValidationError(action_error_detail(exc)) from exc
        fresh = self._with_details(Complaint.objects.select_related("unit", "handling_unit"))
        serializer = ComplaintDetailSerializer(
            fresh.get(pk=complaint.pk), context=self.get_serializer_context()
        )
        return Response(serializer.data)

    @_step_schema("甄别分办：确认或更正类别和被举报单位，转承办单位（督查室）", TriageInput)
    # Only the office triages: anyone else gets the 404 every office-only page gives, not 403.
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated, IsStaffMember, api_permission("office", "未找到。")],
    )
    def triage(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            TriageInput,
            lambda c, data: actions.triage(
                actor=request.user,
                complaint=c,
                category=data["category"].code,
                unit=data["unit"],
                subject_is_head=data["subject_is_head"],
                note=data["note"],
            ),
        )

    @_step_schema("响应（承办单位）", RespondInput)
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            RespondInput,
            lambda c, data: actions.respond(actor=request.user, complaint=c, **data),
        )

    @_step_schema("答复（承办单位；停止计时，等待回访）", AnswerInput)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            AnswerInput,
            lambda c, data: actions.answer(actor=request.user, complaint=c, **data),
        )

    @_step_schema("登记电话回访结果（承办单位或督查室）", CallbackInput)
    @action(detail=True, methods=["post"])
    def callback(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            CallbackInput,
            lambda c, data: actions.record_callback(actor=request.user, complaint=c, **data),
        )

    @_step_schema("办结（督查室，须写明理由）", CloseInput)
    # Office only, like triage: anyone else gets 404, not 403.
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated, IsStaffMember, api_permission("office", "未找到。")],
    )
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            CloseInput,
            lambda c, data: actions.close(actor=request.user, complaint=c, **data),
        )
