"""/api/applications/: list, retrieve, create a draft; one action per step of the procedure.

The actions validate with the same forms as the pages and call the same services, so a
step refused on a page is refused here with the same Chinese reasons (400). Status,
dates of decision and amounts are read-only: they change only through the steps.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from households import access
from households.models import Application, Category, Household
from households.procedure import selectors
from households.procedure.forms import STEP_FORMS, ApplicationCreateForm
from households.procedure.services import role_of
from households.rules import procedure as proc
from jiuzhu.api import ScopedViewSetMixin, serializer_for_form
from jiuzhu.models import Role


class EventSerializer(serializers.Serializer):
    action = serializers.CharField()
    on = serializers.DateField()
    by = serializers.CharField(source="by.display_name")
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()


class ObjectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    received_on = serializers.DateField()
    raised_by = serializers.CharField()
    content = serializers.CharField()
    resolution = serializers.CharField()
    resolved_on = serializers.DateField(allow_null=True)


class ApplicationSerializer(serializers.ModelSerializer):
    dossier_no = serializers.CharField(source="household.dossier_no", read_only=True)
    township_name = serializers.CharField(source="household.township.name", read_only=True)
    due_step = serializers.SerializerMethodField()
    due_on = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField()
    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.none())
    # Blank until decided: declared so the schema's enum admits "" (a read-only model field loses allow_blank).
    approved_category = serializers.ChoiceField(choices=Category.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Application
        fields = (
            "id",
            "household",
            "dossier_no",
            "township_name",
            "category",
            "note",
            "status",
            "urgent",
            "urgent_reason",
            "received_on",
            "investigation_started_on",
            "survey",
            "survey_visited_on",
            "authorisation_signed_on",
            "verification_requested_on",
            "verification",
            "verification_received_on",
            "investigation_completed_on",
            "notice_start",
            "notice_end",
            "notice_place",
            "notice_closed_on",
            "decided_on",
            "decided_by_township",
            "approved_category",
            "monthly_amount",
            "start_on",
            "decision_no",
            "reason",
            "enrolment",
            "delivered_on",
            "due_step",
            "due_on",
            "days_left",
            "version",
        )
        # Only a draft's household, category and note are written directly; the rest through the steps.
        read_only_fields = tuple(f for f in fields if f not in ("household", "category", "note"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["household"].queryset = Household.objects.in_scope(request.user)

    def _due(self, obj):
        return getattr(obj, "due", None)

    def get_due_step(self, obj) -> str | None:
        due = self._due(obj)
        return due.step if due else None

    def get_due_on(self, obj) -> datetime.date | None:
        due = self._due(obj)
        return due.due if due else None

    def get_days_left(self, obj) -> int | None:
        return getattr(obj, "days_left", None)


class ApplicationDetailSerializer(ApplicationSerializer):
    """One application with its step history and the objections to its notice."""

    events = EventSerializer(many=True, read_only=True)
    objections = ObjectionSerializer(many=True, read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = (*ApplicationSerializer.Meta.fields, "events", "objections")
        read_only_fields = (*ApplicationSerializer.Meta.read_only_fields, "events", "objections")


# The request body of each step, as its form reads it (the schema documents the real fields).
STEP_BODIES = {
    slug: serializer_for_form(form_class, "".join(w.title() for w in slug.split("-")) + "StepBody")
    for slug, (_action, form_class) in STEP_FORMS.items()
}


class ApplicationViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ApplicationSerializer
    filterset_fields = ("status", "category", "urgent")
    ordering_fields = ("received_on", "created_at")
    create_roles = access.roles(access.Action.DRAFT_APPLICATION)
    # Step roles are checked per step by the services (and below, before validating).
    write_roles = frozenset(Role)

    def scoped_queryset(self, user):
        qs = selectors.application_list(user=user)
        if self.action != "list":
            qs = qs.prefetch_related("events__by", "objections")
        return qs

    def get_serializer_class(self):
        return ApplicationSerializer if self.action in ("list", "create") else ApplicationDetailSerializer

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return selectors.attach_deadlines(page, today=timezone.localdate()) if page is not None else page

    def get_object(self):
        obj = super().get_object()
        selectors.attach_deadlines([obj], today=timezone.localdate())
        return obj

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        form = ApplicationCreateForm(
            {"household": data["household"].pk, "category": data["category"], "note": data.get("note", "")},
            user=request.user,
        )
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        app = form.perform(request.user)
        return Response(self.get_serializer(self._fresh(app)).data, status=status.HTTP_201_CREATED)

    def _fresh(self, app):
        app = self.scoped_queryset(self.request.user).get(pk=app.pk)
        selectors.attach_deadlines([app], today=timezone.localdate())
        return app

    def _step(self, request, slug: str):
        app = self.get_object()  # another area: 404 before anything else
        rules_action, form_class = STEP_FORMS[slug]
        if not proc.role_may(rules_action, role_of(request.user)):
            raise PermissionDenied
        form = form_class(request.data, application=app)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        form.perform(request.user)
        return Response(self.get_serializer(self._fresh(app)).data)

    @extend_schema(request=STEP_BODIES["submit"], responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(request, "submit")

    @extend_schema(request=STEP_BODIES["start-investigation"], responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="start-investigation")
    def start_investigation(self, request, pk=None):
        return self._step(request, "start-investigation")

    @extend_schema(request=STEP_BODIES["record-investigation"], responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="record-investigation")
    def record_investigation(self, request, pk=None):
        return self._step(request, "record-investigation")

    @extend_schema(request=STEP_BODIES["mark-urgent"], responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="mark-urgent")
    def mark_urgent(self, request, pk=None):
        return self._step(request, "mark-urgent")

    @extend_schema(request=STEP_BODIES["start-notice"], responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="start-notice")
    def start_notice(self, request, pk=None):
        return self._step(request, "start-notice")

    @extend_schema(request=STEP_BODIES["record-objection"], responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="record-objection")
    def record_objection(self, request, pk=None):
        return self._step(request, "record-objection")

    @extend_schema(request=STEP_BODIES["close-notice"], responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="close-notice")
    def close_notice(self, request, pk=None):
        return self._step(request, "close-notice")

    @extend_schema(request=STEP_BODIES["decide"], responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self._step(request, "decide")

    @extend_schema(request=STEP_BODIES["deliver"], responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        return self._step(request, "deliver")
