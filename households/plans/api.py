"""Plan API: read plans in scope; create from an assessment; changes only through actions
that call plan_services (status, dates of activation and closing are never written directly)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from households.models import (
    ActionKind,
    ActionStatus,
    Assessment,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
)
from households.plans import selectors as plan_selectors
from households.plans import services as plan_services
from jiuzhu.api import ScopedViewSetMixin
from jiuzhu.fields import NOTE_MAX_LENGTH
from jiuzhu.models import Role

WRITE = (Role.CASEWORKER, Role.TOWNSHIP_OFFICER, Role.ADMIN)
_no_user = _("Choose a caseworker of the household's township.")
_no_action = _("Choose an action of this plan.")
_no_goal = _("Choose a goal of this plan.")


class PlanActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanAction
        fields = [
            "id",
            "goal",
            "kind",
            "description",
            "responsible",
            "due_on",
            "status",
            "done_on",
            "resource_name",  # noqa: RUF012
            "resource_id",
            "version",
        ]
        read_only_fields = ["status", "done_on", "version"]  # noqa: RUF012


class PlanGoalSerializer(serializers.ModelSerializer):
    domain = serializers.CharField(source="need.domain", read_only=True)
    actions = PlanActionSerializer(many=True, read_only=True)

    class Meta:
        model = PlanGoal
        fields = ["id", "need", "domain", "text", "actions"]  # noqa: RUF012


class PlanReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanReview
        fields = ["id", "reviewed_on", "progress", "summary", "next_review_on"]  # noqa: RUF012


class PlanSerializer(serializers.ModelSerializer):
    dossier_no = serializers.CharField(source="household.dossier_no", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "household",
            "dossier_no",
            "number",
            "assessment",
            "status",
            "summary",
            "agreed_on",
            "agreed_by_name",  # noqa: RUF012
            "activated_on",
            "next_review_on",
            "closed_on",
            "outcome",
            "version",
        ]
        read_only_fields = fields


class PlanDetailSerializer(PlanSerializer):
    goals = PlanGoalSerializer(many=True, read_only=True)
    reviews = PlanReviewSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "goals", "reviews"]  # noqa: RUF012
        read_only_fields = fields


class PlanCreateSerializer(serializers.Serializer):
    assessment = serializers.PrimaryKeyRelatedField(queryset=Assessment.objects.none())
    summary = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["assessment"].queryset = Assessment.objects.in_scope(request.user)


class PlanUpdateSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True)
    agreed_on = serializers.DateField(required=False, allow_null=True)
    agreed_by_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    next_review_on = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False)


class ActionCreateSerializer(serializers.Serializer):
    goal = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ActionKind.choices)
    description = serializers.CharField(max_length=300)
    responsible = serializers.IntegerField(required=False, allow_null=True)
    due_on = serializers.DateField(required=False, allow_null=True)
    resource_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    resource_id = serializers.IntegerField(required=False, allow_null=True)


class ActionStepSerializer(serializers.Serializer):
    action_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    version = serializers.IntegerField(required=False)


class ReviewCreateSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField()
    progress = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)
    summary = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")
    next_review_on = serializers.DateField(required=False, allow_null=True)


class CloseSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=NOTE_MAX_LENGTH)


class PlanViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Assistance plans (一户一策) in the user's area."""

    write_roles = WRITE
    filterset_fields = ["status", "household"]  # noqa: RUF012

    def scoped_queryset(self, user):
        if self.action == "list":
            return plan_selectors.plan_list(user=user)
        return (
            Plan.objects.in_scope(user)
            .select_related("household")
            .prefetch_related("goals__need", "goals__actions", "reviews")
        )

    def get_serializer_class(self):
        return {"retrieve": PlanDetailSerializer, "create": PlanCreateSerializer}.get(self.action, PlanSerializer)

    def _detail(self, plan):
        return Response(PlanDetailSerializer(plan_selectors.plan_detail(user=self.request.user, pk=plan.pk)).data)

    @extend_schema(request=PlanCreateSerializer, responses=PlanDetailSerializer)
    def create(self, request):
        s = PlanCreateSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        plan = plan_services.plan_create_from_assessment(actor=request.user, **s.validated_data)
        response = self._detail(plan)
        response.status_code = 201
        return response

    @extend_schema(request=PlanUpdateSerializer, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"])
    def details(self, request, pk=None):
        plan = self.get_object()
        s = PlanUpdateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        version = data.pop("version", None)
        plan_services.plan_update(actor=request.user, plan=plan, expected_version=version, **data)
        return self._detail(plan)

    @extend_schema(request=ActionCreateSerializer, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"])
    def actions(self, request, pk=None):
        from jiuzhu.models import User

        plan = self.get_object()
        s = ActionCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        goal = plan.goals.filter(pk=data.pop("goal")).first()
        if goal is None:
            raise serializers.ValidationError({"goal": [str(_no_goal)]})
        responsible = data.pop("responsible", None)
        if responsible is not None:
            responsible = User.objects.filter(pk=responsible, area_id=plan.household.township_id).first()
            if responsible is None:
                raise serializers.ValidationError({"responsible": [str(_no_user)]})
        plan_services.plan_action_add(actor=request.user, plan=plan, goal=goal, responsible=responsible, **data)
        return self._detail(plan)

    @extend_schema(request=ActionStepSerializer, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"], url_path="action-status")
    def action_status(self, request, pk=None):
        plan = self.get_object()
        s = ActionStepSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        act = plan.actions.filter(pk=s.validated_data["action_id"]).select_related("plan").first()
        if act is None:
            raise serializers.ValidationError({"action_id": [str(_no_action)]})
        plan_services.plan_action_set_status(
            actor=request.user,
            action=act,
            status=s.validated_data["status"],
            expected_version=s.validated_data.get("version"),
        )
        return self._detail(plan)

    @extend_schema(request=None, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        plan = self.get_object()
        plan_services.plan_activate(actor=request.user, plan=plan)
        return self._detail(plan)

    @extend_schema(request=ReviewCreateSerializer, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"])
    def reviews(self, request, pk=None):
        plan = self.get_object()
        s = ReviewCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        plan_services.plan_review_add(actor=request.user, plan=plan, **s.validated_data)
        return self._detail(plan)

    @extend_schema(request=CloseSerializer, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        plan = self.get_object()
        s = CloseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        plan_services.plan_close(actor=request.user, plan=plan, outcome=s.validated_data["outcome"])
        return self._detail(plan)
