"""Review API: /api/reviews/ (tasks; record, decide), /api/review-runs/ (read), /api/change-reports/."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from households import access
from households.models import (
    ChangeKind,
    ChangeReport,
    Enrolment,
    Household,
    RecordDecision,
    ReviewOutcome,
    ReviewRecord,
    ReviewRun,
    ReviewTask,
    Verification,
)
from households.review import selectors, services
from jiuzhu.api import ScopedViewSetMixin
from jiuzhu.fields import NOTE_MAX_LENGTH


class ReviewRecordSerializer(serializers.ModelSerializer):
    proposed_category = serializers.CharField(read_only=True)  # a category code (see /api/ enums of enrolments)

    class Meta:
        model = ReviewRecord
        fields = (
            "id",
            "visited_on",
            "verification",
            "outcome",
            "enrolment",
            "exit_reason",
            "proposed_category",
            "proposed_amount",
            "gradual_exit_until",
            "note",
            "recorded_by",
            "recorded_at",
            "decision",
            "decided_by",
            "decided_on",
            "decision_note",
        )
        read_only_fields = fields


class ReviewTaskSerializer(serializers.ModelSerializer):
    dossier_no = serializers.CharField(source="household.dossier_no", read_only=True)
    gradual_exit_until = serializers.DateField(read_only=True, allow_null=True)
    suggested_category = serializers.CharField(read_only=True)  # a category code, blank for none
    suggested_outcome = serializers.CharField(read_only=True)  # an outcome code, blank for none

    class Meta:
        model = ReviewTask
        fields = (
            "id",
            "household",
            "dossier_no",
            "reason",
            "created_on",
            "due_on",
            "assigned_to",
            "status",
            "escalated_on",
            "verification",
            "per_capita_income",
            "line",
            "suggested_category",
            "suggested_outcome",
            "income_rose_from_work",
            "gradual_exit_until",
            "change_report",
            "version",
        )
        read_only_fields = fields


class RecordInputSerializer(serializers.Serializer):
    visited_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=ReviewOutcome.choices)
    verification = serializers.PrimaryKeyRelatedField(
        queryset=Verification.objects.all(), required=False, allow_null=True
    )
    enrolment = serializers.PrimaryKeyRelatedField(queryset=Enrolment.objects.all(), required=False, allow_null=True)
    exit_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    proposed_category = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    proposed_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class DecisionInputSerializer(serializers.Serializer):
    confirm = serializers.BooleanField()
    decision_note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReviewTaskViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReviewTaskSerializer
    filterset_fields = ("reason", "status", "assigned_to", "household")
    ordering_fields = ("due_on", "created_on")
    read_roles = access.roles(access.Action.READ_HOUSEHOLDS)
    record_roles = access.roles(access.Action.RECORD_REVIEW)
    decide_roles = access.roles(access.Action.CONFIRM_REVIEW)

    def scoped_queryset(self, user):
        return selectors.review_tasks(user=user).order_by("due_on", "id")

    @extend_schema(request=RecordInputSerializer, responses=ReviewRecordSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        task = self.get_object()
        data = RecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        record = services.review_record(
            actor=request.user, task=task, expected_version=values.pop("version", None), **values
        )
        return Response(ReviewRecordSerializer(record).data, status=201)

    @extend_schema(request=DecisionInputSerializer, responses=ReviewRecordSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        task = self.get_object()
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = task.records.filter(decision=RecordDecision.PENDING).first()
        if record is None:
            raise serializers.ValidationError({"non_field_errors": [_("There is no review waiting for a decision.")]})
        record = services.review_decide(
            actor=request.user,
            record=record,
            confirm=data.validated_data["confirm"],
            note=data.validated_data["decision_note"],
        )
        return Response(ReviewRecordSerializer(record).data)


class ReviewRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewRun
        fields = ("id", "run_on", "started_at", "finished_at", "status", "counts", "errors")
        read_only_fields = fields


class ReviewRunViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReviewRunSerializer
    read_roles = ("township_officer", "county_civil", "city_civil", "admin")

    def scoped_queryset(self, user):
        return selectors.review_runs(user=user)


class ChangeReportSerializer(serializers.ModelSerializer):
    dossier_no = serializers.CharField(source="household.dossier_no", read_only=True)
    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.none())
    kind = serializers.ChoiceField(choices=ChangeKind.choices)

    class Meta:
        model = ChangeReport
        fields = ("id", "household", "dossier_no", "kind", "date", "source", "description", "reported_by", "created_at")
        read_only_fields = ("reported_by", "created_at")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only households in the user's area can be reported on (others: "does not exist").
            self.fields["household"].queryset = Household.objects.in_scope(request.user)


class ChangeReportViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ChangeReportSerializer
    filterset_fields = ("household", "kind")
    read_roles = access.roles(access.Action.READ_HOUSEHOLDS)
    write_roles = access.roles(access.Action.REPORT_CHANGE)

    def scoped_queryset(self, user):
        return selectors.change_reports(user=user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.change_report_create(
            actor=self.request.user,
            household=data["household"],
            kind=data["kind"],
            date=data["date"],
            source=data["source"],
            description=data["description"],
            today=timezone.localdate(),
        )
