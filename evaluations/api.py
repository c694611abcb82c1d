"""Public REST API of 好差评: rating through the signed SMS link, and the monthly results.

POST /api/ratings/ is the SMS-link channel for a client (an app, a WeChat page) instead of the
HTML page: the signed token is the only credential, so no session is read and no CSRF token is
needed. Refusals map to HTTP: a bad token or bad input → 400, a case not decided or already
rated → 409. GET /api/ratings/results/<year>/<month>/ is the published table as JSON.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from cases.models import Case
from evaluations.actions import clean_comment, rate_case
from evaluations.links import BadLink, case_pk_from_token
from evaluations.models import Evaluation, Level
from evaluations.public_forms import LEVEL_ERROR
from evaluations.stats import UnitResult, monthly_results
from evaluations.views.public import check_published_month
from zuofeng.api_params import ConflictResponse, action_error_detail
from zuofeng.transitions import Conflict

# --- input and output -----------------------------------------------------------------------


class RatingInput(serializers.Serializer):
    token = serializers.CharField(max_length=1000, help_text="短信评价链接中的签名令牌")
    level = serializers.IntegerField(
        min_value=Level.VERY_DISSATISFIED,
        max_value=Level.VERY_SATISFIED,
        help_text="5 非常满意，4 满意，3 基本满意，2 不满意，1 非常不满意",
        error_messages={
            "invalid": LEVEL_ERROR,
            "min_value": LEVEL_ERROR,
            "max_value": LEVEL_ERROR,
            "required": LEVEL_ERROR,
            "null": LEVEL_ERROR,
        },
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        default=list,
        max_length=10,
        help_text="评价指标：大厅办理为 服务效率、服务水平、服务态度；网上办理为 办事效率、"
        "办事指南准确度、便捷度、平台操作性",
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="评价内容（选填，纯文字）"
    )
    anonymous = serializers.BooleanField(required=False, default=False)
    allow_publication = serializers.BooleanField(
        required=False, default=False, help_text="同意公开评价内容（公开时隐去个人信息）"
    )

    def validate_comment(self, value: str) -> str:
        try:
            return clean_comment(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class RatingOutput(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "level",
            "level_display",
            "tags",
            "comment",
            "anonymous",
            "allow_publication",
            "source",
            "created_at",
        ]
        read_only_fields = fields


RATE_FIELD = serializers.DecimalField(
    max_digits=4,
    decimal_places=1,
    allow_null=True,
    help_text="百分比，一位小数；样本不足或无数据时为 null",
)


class UnitResultSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code", help_text="单位编码")
    unit_name = serializers.CharField(source="unit.name")
    ratings = serializers.IntegerField(help_text="评价数")
    very_satisfied = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    basic = serializers.IntegerField()
    bad = serializers.IntegerField(help_text="差评数（不满意 + 非常不满意）")
    enough_sample = serializers.BooleanField(help_text="评价数是否达到公开满意率的最低样本量")
    satisfaction_rate = serializers.SerializerMethodField(help_text="（非常满意 + 满意）÷ 评价数")
    satisfaction_rate_with_basic = serializers.SerializerMethodField(
        help_text="（非常满意 + 满意 + 基本满意）÷ 评价数"
    )
    rectifications = serializers.IntegerField(help_text="当月派发的差评整改单数")
    rectified_on_time = serializers.IntegerField(help_text="其中按期办结的件数")
    rectified_on_time_rate = serializers.SerializerMethodField()

    @extend_schema_field(RATE_FIELD)
    def get_satisfaction_rate(self, result: UnitResult) -> str | None:
        return _rate(result.satisfaction_rate) if result.enough_sample else None

    @extend_schema_field(RATE_FIELD)
    def get_satisfaction_rate_with_basic(self, result: UnitResult) -> str | None:
        return _rate(result.satisfaction_rate_with_basic) if result.enough_sample else None

    @extend_schema_field(RATE_FIELD)
    def get_rectified_on_time_rate(self, result: UnitResult) -> str | None:
        return _rate(result.rectified_on_time_rate)


def _rate(value: Any) -> str | None:
    return None if value is None else str(value)


class MonthlyResultsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    include_defaults = serializers.BooleanField(help_text="是否计入超期默认评价")
    min_sample = serializers.IntegerField(help_text="公开满意率所需的最少评价数")
    units = UnitResultSerializer(many=True)


# --- the viewset ----------------------------------------------------------------------------


class RatingViewSet(viewsets.GenericViewSet):
    """好差评：短信链接评价与每月结果公开（无需登录）。"""

    permission_classes = [AllowAny]
    # The signed token is the credential: a browser session must neither help nor hinder.
    authentication_classes: list[Any] = []
    serializer_class = RatingInput
    queryset = Evaluation.objects.none()

    @extend_schema(
        summary="通过短信评价链接评价办件（一事一评）",
        request=RatingInput,
        responses={
            201: RatingOutput,
            400: OpenApiResponse(
                description="输入有误：链接无效或已过期、评价等级不在 1–5、"
                "评价内容过长或含网页代码、评价指标不属于该办件"
            ),
            409: OpenApiResponse(
                response=ConflictResponse, description="办件尚未办结，或已经评价过了"
            ),
        },
    )
    def create(self, request: Request) -> Response:
        given = RatingInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        try:
            case_pk = case_pk_from_token(data.pop("token"))
        except BadLink as exc:
            return Response({"token": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        case = Case.objects.filter(pk=case_pk).first()
        if case is None:
            return Response(
                {"token": ["评价链接无效，请核对短信中的链接"]}, status=status.HTTP_400_BAD_REQUEST
            )
        try:
            evaluation = rate_case(actor=None, case=case, source=Evaluation.Source.SMS_LINK, **data)
        except Conflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            return Response(action_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
        return Response(RatingOutput(evaluation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="某月好差评结果（按单位）",
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description="年"),
            OpenApiParameter(
                "month", OpenApiTypes.INT, OpenApiParameter.PATH, description="月（1–12）"
            ),
            OpenApiParameter(
                "defaults",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=["0", "1"],
                description="0：不计入超期默认评价",
            ),
        ],
        responses={
            200: MonthlyResultsSerializer,
            404: OpenApiResponse(description="月份无效或尚未到来"),
        },
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"results/(?P<year>[0-9]{4})/(?P<month>[0-9]{1,2})",
    )
    def results(self, request: Request, year: str, month: str) -> Response:
        year_number, month_number = int(year), int(month)
        try:
            check_published_month(year_number, month_number)
        except Http404:
            return Response({"detail": "没有该月份的评价结果"}, status=status.HTTP_404_NOT_FOUND)
        include_defaults = request.query_params.get("defaults") != "0"
        payload = {
            "year": year_number,
            "month": month_number,
            "include_defaults": include_defaults,
            "min_sample": int(settings.ZUOFENG["RATING_MIN_SAMPLE"]),
            "units": monthly_results(year_number, month_number, include_defaults=include_defaults),
        }
        return Response(MonthlyResultsSerializer(payload).data)
