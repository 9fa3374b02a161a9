"""GET /api/dashboard/: the same panels as the page, as JSON, for scope, period and area."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from dashboards import selectors
from dashboards.scope import DashboardScope, PeriodError, parse_period


def _cells(**kw):
    return inline_serializer(
        "DashboardCell",
        {"value": serializers.JSONField(allow_null=True), "link": serializers.CharField(allow_null=True)},
        **kw,
    )


def _rows(**kw):
    return inline_serializer(
        "DashboardRow",
        {
            "label": serializers.CharField(),
            "area_id": serializers.IntegerField(allow_null=True),
            "link": serializers.CharField(allow_null=True, help_text="The same dashboard one level down."),
            "is_total": serializers.BooleanField(),
            "cells": _cells(many=True),
        },
        **kw,
    )


def _columns(**kw):
    return inline_serializer(
        "DashboardColumn",
        {
            "key": serializers.CharField(),
            "label": serializers.CharField(),
            "total": serializers.CharField(allow_null=True),
            "format": serializers.CharField(),
            "chart": serializers.BooleanField(),
        },
        **kw,
    )


def _panels(**kw):
    return inline_serializer(
        "DashboardPanel",
        {
            "key": serializers.CharField(),
            "title": serializers.CharField(),
            "kind": serializers.ChoiceField(choices=["table", "bar", "pie", "number"]),
            "columns": _columns(many=True),
            "rows": _rows(many=True),
            "chart": serializers.DictField(),
            "note": serializers.CharField(),
            "extra": serializers.DictField(),
        },
        **kw,
    )


DashboardSerializer = inline_serializer(
    "Dashboard",
    {
        "area": inline_serializer(
            "DashboardArea",
            {
                "id": serializers.IntegerField(),
                "code": serializers.CharField(),
                "name": serializers.CharField(),
                "level": serializers.CharField(),
            },
        ),
        "period": inline_serializer(
            "DashboardPeriod", {"from": serializers.DateField(), "to": serializers.DateField()}
        ),
        "computed_at": serializers.DateTimeField(
            allow_null=True,
            help_text="When the figures of a cached view (the city) "
            "were computed; null for live views (county, township).",
        ),
        "panels": _panels(many=True),
    },
)


@extend_schema(
    operation_id="dashboard",
    summary="Dashboard panels for an area and period",
    parameters=[
        OpenApiParameter(
            "area", OpenApiTypes.INT, description="Area id inside your scope (default: your own area); outside it: 404."
        ),
        OpenApiParameter("from", OpenApiTypes.DATE, description="Period start (default 1 January this year)."),
        OpenApiParameter("to", OpenApiTypes.DATE, description="Period end, included (default today)."),
        OpenApiParameter("panel", OpenApiTypes.STR, description="Only this panel's key."),
    ],
    responses={200: DashboardSerializer},
)
@api_view(["GET"])
def dashboard(request):
    scope = DashboardScope.for_request(request.user, request.query_params.get("area"))
    try:
        period = parse_period(request.query_params, today=scope.today)
    except PeriodError as error:
        raise ValidationError({k: [v] for k, v in error.errors.items()}) from error
    shown = selectors.dashboard(scope=scope, period=period, only=request.query_params.get("panel") or None)
    return Response(
        {
            "area": {"id": scope.area.pk, "code": scope.area.code, "name": scope.area.name, "level": scope.area.level},
            "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
            "computed_at": shown.computed_at,
            "panels": [p.as_dict() for p in shown.panels],
        }
    )
