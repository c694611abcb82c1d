"""Staff REST API of cases: the work queue, one case, and every lifecycle step.

Reads go through `Case.objects.visible_to` (another unit's case is a 404); each step calls
the `cases.actions` function, whose refusals map to HTTP: Conflict → 409,
ValidationError → 400, PermissionDenied → 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cases import actions
from cases.models import Attachment, Case, CaseEvent, SupplementRequest, Transfer
from catalog.models import Matter
from org.models import Unit
from org.scoping import unit_of
from zuofeng.access import IsStaffMember
from zuofeng.api_params import ConflictResponse, action_error_detail, refuse_unknown_params
from zuofeng.duty import clock
from zuofeng.duty.models import WarningLevel
from zuofeng.duty.ordering import with_urgency

# --- output -----------------------------------------------------------------------------------


def _member_unit_id(context: dict[str, Any]) -> int | None:
    request = context.get("request")
    unit = unit_of(request.user) if request is not None else None
    return unit.pk if unit is not None else None


class CaseSerializer(serializers.ModelSerializer):
    """One case in a list. Personal data is masked unless the requester works in the
    handling unit; the secret query code is shown only to them."""

    matter = serializers.SlugRelatedField(slug_field="code", read_only=True)
    matter_name = serializers.CharField(source="matter.name", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    query_code = serializers.CharField(
        read_only=True, allow_null=True, help_text="仅承办单位工作人员可见"
    )
    personal_data_masked = serializers.SerializerMethodField(
        help_text="申请人姓名、电话、证件号是否已脱敏"
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "query_code",
            "matter",
            "matter_name",
            "unit",
            "unit_name",
            "channel",
            "status",
            "status_display",
            "applicant_kind",
            "applicant_name",
            "applicant_phone",
            "applicant_id_number",
            "personal_data_masked",
            "submitted_at",
            "accepted_at",
            "decided_at",
            "closed_at",
            "due_at",
            "warning_level",
            "escalation_level",
            "forwarded_to_back_office",
            "supplement_count",
            "one_time_rule_broken",
            "transfer_count",
            "buck_passing",
            "clock_phase",
            "deemed_accepted",
        ]
        read_only_fields = fields

    def _is_member(self, case: Case) -> bool:
        if "member_unit_id" not in self.context:
            self.context["member_unit_id"] = _member_unit_id(self.context)
        return self.context["member_unit_id"] == case.unit_id

    def get_personal_data_masked(self, case: Case) -> bool:
        return not self._is_member(case)

    def to_representation(self, case: Case) -> dict[str, Any]:
        data = super().to_representation(case)
        if not self._is_member(case):
            data["applicant_name"] = case.masked_name
            data["applicant_phone"] = case.masked_phone
            data["applicant_id_number"] = case.masked_id_number
            data["query_code"] = None
        return data


class CaseEventSerializer(serializers.ModelSerializer):
    # A plain string in the schema: an enum named "kind" would collide with the matter's.
    kind = serializers.CharField(read_only=True, help_text="环节代码，如 accepted、step")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.SerializerMethodField()
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["kind", "kind_display", "at", "actor", "unit", "note", "public_note"]

    def get_actor(self, event: CaseEvent) -> str | None:
        if event.actor is None:
            return None
        return event.actor.get_full_name() or event.actor.username


class SupplementRequestSerializer(serializers.ModelSerializer):
    materials = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = SupplementRequest
        fields = [
            "materials",
            "supplied_materials",
            "note",
            "internal_note",
            "requested_at",
            "supplied_at",
            "is_repeat",
        ]


class TransferSerializer(serializers.ModelSerializer):
    from_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Transfer
        fields = ["from_unit", "to_unit", "reason", "at", "is_return"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["token", "material_name", "original_name", "content_type", "size", "uploaded_at"]


class CaseDetailSerializer(CaseSerializer):
    remaining_workdays = serializers.SerializerMethodField(
        help_text="剩余工作日（0 为今日到期，负数为已超期天数）；未计时或已办结为 null"
    )
    decision_reason = serializers.CharField(read_only=True)
    decision_legal_basis = serializers.CharField(read_only=True)
    events = CaseEventSerializer(many=True, read_only=True)
    supplement_requests = SupplementRequestSerializer(many=True, read_only=True)
    transfers = TransferSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "remaining_workdays",
            "decision_reason",
            "decision_legal_basis",
            "events",
            "supplement_requests",
            "transfers",
            "attachments",
        ]
        read_only_fields = fields

    def get_remaining_workdays(self, case: Case) -> int | None:
        if not case.is_open or case.due_at is None:
            return None
        return clock.remaining_workdays(case, timezone.now())


# --- input ----------------------------------------------------------------------------------


class SupplementInput(serializers.Serializer):
    materials = serializers.ListField(
        child=serializers.CharField(max_length=200),
        min_length=1,
        max_length=100,
        help_text="一次性告知：需补正的全部材料",
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        help_text="告知申请人的说明（申请人可见，印在一次性告知书上）",
    )
    internal_note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        help_text="内部备注（仅工作人员可见）",
    )


class SupplyInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    materials = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        default=list,
        help_text="本次交齐的告知材料（名称与告知书一致）；文件名与告知材料同名的也计入",
    )
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text="补正材料文件（multipart/form-data，可多个）",
    )


class RefuseAcceptanceInput(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, help_text="不予受理理由")
    legal_basis = serializers.CharField(max_length=5000, help_text="法律依据")


class StepInput(serializers.Serializer):
    note = serializers.CharField(max_length=5000, help_text="办理情况（内部）")
    public_note = serializers.CharField(
        required=False, allow_blank=True, max_length=300, default="", help_text="公开说明"
    )


class DecideInput(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true 准予；false 不予许可（须写明理由和依据）")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    legal_basis = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, default=""
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if not data["approve"]:
            errors = {}
            if not data["reason"].strip():
                errors["reason"] = "不予许可必须写明理由"
            if not data["legal_basis"].strip():
                errors["legal_basis"] = "不予许可必须写明法律依据"
            if errors:
                raise ValidationError(errors)
        return data


class TransferInput(serializers.Serializer):
    to_unit = serializers.SlugRelatedField(
        slug_field="code", queryset=Unit.objects.all(), help_text="转至单位编码"
    )
    reason = serializers.CharField(max_length=5000, help_text="转办理由（必填）")


class SubmitInput(serializers.Serializer):
    """A case entered by staff for an applicant at the counter, by phone or at a kiosk."""

    matter = serializers.SlugRelatedField(
        slug_field="code", queryset=Matter.objects.all(), help_text="本单位事项编码"
    )
    channel = serializers.ChoiceField(
        choices=Case.Channel.choices,
        default=Case.Channel.WINDOW,
        help_text="window、phone 或 self_service；网上申请由申请人自己提交",
    )
    applicant_kind = serializers.ChoiceField(
        choices=Case.ApplicantKind.choices, default=Case.ApplicantKind.RESIDENT
    )
    applicant_name = serializers.CharField(max_length=100)
    applicant_phone = serializers.CharField(max_length=20)
    applicant_id_number = serializers.CharField(max_length=32)
    accept = serializers.BooleanField(default=False, help_text="材料齐全，当场受理")

    def validate_channel(self, value: str) -> str:
        if value == Case.Channel.ONLINE:
            raise ValidationError("网上申请由申请人自己在网上提交，工作人员不能代为选择网上渠道")
        return value


ERROR_RESPONSES = {
    400: OpenApiResponse(description="输入有误（如缺少理由或法律依据）"),
    403: OpenApiResponse(description="不是承办单位的工作人员"),
    404: OpenApiResponse(description="办件不存在或不属于本单位"),
    409: OpenApiResponse(
        response=ConflictResponse, description="办件当前状态不允许这一步（如未受理即办结）"
    ),
}


def _step_schema(summary: str, request: Any = None) -> Callable[[Any], Any]:
    return extend_schema(
        summary=summary,
        request=request,
        responses={200: CaseDetailSerializer, **ERROR_RESPONSES},
    )


# --- the viewset ----------------------------------------------------------------------------


class CaseFilter(django_filters.FilterSet):
    warning_level = django_filters.ChoiceFilter(choices=WarningLevel.choices, label="预警")
    status = django_filters.ChoiceFilter(
        choices=[("open", "未办结"), *Case.Status.choices],
        method="filter_status",
        label="状态（open 为所有未办结）",
    )
    matter = django_filters.CharFilter(field_name="matter__code", label="事项编码")
    unit = django_filters.CharFilter(field_name="unit__code", label="承办单位编码（督查室）")

    class Meta:
        model = Case
        fields = ["warning_level", "status", "matter", "unit"]

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.open() if value == "open" else queryset.filter(status=value)


ALLOWED_PARAMS = {"warning_level", "status", "matter", "unit", "page", "format"}
DETAIL_ACTIONS = {"retrieve"}


@extend_schema_view(
    list=extend_schema(
        summary="办件列表（本单位；督查室为全区），红色预警在前",
        responses={
            200: CaseSerializer(many=True),
            400: OpenApiResponse(description="不支持的查询参数或取值"),
        },
    ),
    retrieve=extend_schema(
        summary="办件详情", responses={200: CaseDetailSerializer, 404: ERROR_RESPONSES[404]}
    ),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """办件：本单位工作台与办理操作（承办单位工作人员办理，督查室只读）。"""

    permission_classes = [IsAuthenticated, IsStaffMember]
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self) -> QuerySet:
        queryset = Case.objects.visible_to(self.request.user).select_related("matter", "unit")
        if self.action in DETAIL_ACTIONS:
            return self._with_details(queryset)
        if self.action == "list":
            return with_urgency(queryset)
        return queryset

    @staticmethod
    def _with_details(queryset: QuerySet) -> QuerySet:
        return queryset.prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor", "unit")),
            "supplement_requests",
            Prefetch("transfers", queryset=Transfer.objects.select_related("from_unit", "to_unit")),
            "attachments",
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return CaseDetailSerializer if self.action in DETAIL_ACTIONS else CaseSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        refuse_unknown_params(request, ALLOWED_PARAMS)
        return super().list(request, *args, **kwargs)

    def _detail_response(self, case: Case, code: int = status.HTTP_200_OK) -> Response:
        # Read back without scoping: after a transfer the actor may no longer see the case,
        # but the answer still says what their request did (masked, as for any non-member).
        fresh = self._with_details(Case.objects.select_related("matter", "unit")).get(pk=case.pk)
        serializer = CaseDetailSerializer(fresh, context=self.get_serializer_context())
        return Response(serializer.data, status=code)

    def _run(
        self,
        request: Request,
        input_class: type[serializers.Serializer] | None,
        step: Callable[[Case, dict[str, Any]], Any],
    ) -> Response:
        case = self.get_object()  # 404 for a case of another unit
        if _member_unit_id({"request": request}) != case.unit_id:
            # The office reads every case but acts on none (the actions refuse it as well).
            raise PermissionDenied("只有承办单位的工作人员可以办理该办件")
        data: dict[str, Any] = {}
        if input_class is not None:
            given = input_class(data=request.data)
            given.is_valid(raise_exception=True)
            data = dict(given.validated_data)
        try:
            step(case, data)
        except DjangoValidationError as exc:
            raise ValidationError(action_error_detail(exc)) from exc
        return self._detail_response(case)

    @extend_schema(
        summary="窗口、电话或自助终端代为提交申请（可当场受理）",
        request=SubmitInput,
        responses={
            201: CaseDetailSerializer,
            400: OpenApiResponse(description="输入有误，或事项已停用"),
            403: OpenApiResponse(description="事项不属于本单位"),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = SubmitInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            with transaction.atomic():
                case = actions.submit_case(
                    actor=request.user,
                    matter=data["matter"],
                    channel=data["channel"],
                    applicant_kind=data["applicant_kind"],
                    applicant_name=data["applicant_name"],
                    applicant_phone=data["applicant_phone"],
                    applicant_id_number=data["applicant_id_number"],
                )
                if data["accept"]:
                    case = actions.accept_case(actor=request.user, case=case)
        except DjangoValidationError as exc:
            raise ValidationError(action_error_detail(exc)) from exc
        return self._detail_response(case, status.HTTP_201_CREATED)

    @_step_schema("受理（开始计时）", request=None)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request, None, lambda case, data: actions.accept_case(actor=request.user, case=case)
        )

    @_step_schema("一次性告知补正材料（受理后暂停计时）", request=SupplementInput)
    @action(detail=True, methods=["post"])
    def request_supplement(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            SupplementInput,
            lambda case, data: actions.request_supplement(actor=request.user, case=case, **data),
        )

    @_step_schema("登记补正材料（告知材料全部交齐后继续办理）", request=SupplyInput)
    @action(detail=True, methods=["post"])
    def supply(self, request: Request, pk: str | None = None) -> Response:
        def step(case: Case, data: dict[str, Any]) -> Any:
            files = [(_stem(upload.name), upload) for upload in data["files"]]
            return actions.supply_materials(
                actor=request.user,
                case=case,
                files=files,
                materials=data["materials"],
                note=data["note"],
            )

        return self._run(request, SupplyInput, step)

    @_step_schema("不予受理（须写明理由和法律依据）", request=RefuseAcceptanceInput)
    @action(detail=True, methods=["post"])
    def refuse_acceptance(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            RefuseAcceptanceInput,
            lambda case, data: actions.refuse_acceptance(actor=request.user, case=case, **data),
        )

    @_step_schema("登记办理步骤", request=StepInput)
    @action(detail=True, methods=["post"])
    def step(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            StepInput,
            lambda case, data: actions.record_step(actor=request.user, case=case, **data),
        )

    @_step_schema("办结：准予或不予许可（停止计时）", request=DecideInput)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            DecideInput,
            lambda case, data: actions.decide_case(actor=request.user, case=case, **data),
        )

    @_step_schema("归档", request=None)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request, None, lambda case, data: actions.close_case(actor=request.user, case=case)
        )

    @_step_schema("转办（须写明理由；多次转办或退回记为推诿）", request=TransferInput)
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            TransferInput,
            lambda case, data: actions.transfer_case(actor=request.user, case=case, **data),
        )


def _stem(name: str) -> str:
    return ((name or "").rsplit(".", 1)[0].strip() or "补正材料")[:200]
