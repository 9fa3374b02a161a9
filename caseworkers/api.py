"""API of the four roles' work. Every viewset reads through the user's scope; creation and
every change of status go through caseworkers.services (status fields are read-only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from caseworkers import mytasks, selectors, services
from caseworkers.models import (
    PolicyFeedback,
    PublicityActivity,
    Referral,
    ReferralStatus,
    Resource,
    ServiceRecord,
    Training,
    TypicalCase,
    Volunteer,
    VolunteerAssignment,
)
from households.models import Household, Member
from jiuzhu.api import ScopedViewSetMixin
from jiuzhu.models import Area, Role, User
from jiuzhu.scope import scoped

FIELD = (Role.CASEWORKER, Role.TOWNSHIP_OFFICER, Role.ADMIN)
WRITE = (*FIELD, Role.COUNTY_CIVIL)
COUNTY = (Role.COUNTY_CIVIL, Role.CITY_CIVIL, Role.ADMIN)


class ScopedPK(serializers.PrimaryKeyRelatedField):
    """A foreign key whose choices are the requesting user's scope (another area's id: 'does not exist')."""

    def __init__(self, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)


def households_in_scope(user):
    return Household.objects.in_scope(user)


class ResourceSerializer(serializers.ModelSerializer):
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all())

    class Meta:
        model = Resource
        fields = ["id", "name", "kind", "domain", "provider", "area", "contact", "conditions", "description", "active"]  # noqa: RUF012
        read_only_fields = ["active"]  # noqa: RUF012


class ReferralSerializer(serializers.ModelSerializer):
    household = ScopedPK(households_in_scope)
    member = ScopedPK(lambda u: Member.objects.in_scope(u), required=False, allow_null=True)
    resource = ScopedPK(lambda u: Resource.objects.in_scope(u))

    class Meta:
        model = Referral
        fields = [
            "id",
            "household",
            "member",
            "resource",
            "status",
            "sent_on",
            "accepted_on",
            "closed_on",  # noqa: RUF012
            "failure_reason",
            "follow_up_on",
            "note",
            "version",
        ]
        read_only_fields = ["status", "accepted_on", "closed_on", "failure_reason", "version"]  # noqa: RUF012


class ReferralStepSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[ReferralStatus.ACCEPTED, ReferralStatus.DONE, ReferralStatus.FAILED])
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up_on = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False)


class ServiceSerializer(serializers.ModelSerializer):
    households = ScopedPK(households_in_scope, many=True)

    class Meta:
        model = ServiceRecord
        fields = [
            "id",
            "method",
            "service_area",
            "held_on",
            "minutes",
            "households",
            "content",
            "outcome",
            "follow_up_on",  # noqa: RUF012
            "followed_up",
            "township",
        ]
        read_only_fields = ["followed_up", "township"]  # noqa: RUF012


class PublicitySerializer(serializers.ModelSerializer):
    households = ScopedPK(households_in_scope, many=True, required=False)
    volunteers = ScopedPK(lambda u: Volunteer.objects.in_scope(u), many=True, required=False)

    class Meta:
        model = PublicityActivity
        fields = [
            "id",
            "held_on",
            "topics",
            "place",
            "form",
            "households",
            "head_count",
            "volunteers",
            "notes",
            "township",
        ]  # noqa: RUF012
        read_only_fields = ["township"]  # noqa: RUF012


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyFeedback
        fields = ["id", "kind", "sent_to", "title", "body", "status", "response", "responded_on", "township", "county"]  # noqa: RUF012
        read_only_fields = ["status", "response", "responded_on", "township", "county"]  # noqa: RUF012


class ResponseSerializer(serializers.Serializer):
    response = serializers.CharField()


class VolunteerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Volunteer
        fields = [
            "id",
            "name",
            "organization",
            "phone",
            "skills",
            "registered_on",
            "registration_no",
            "status",  # noqa: RUF012
            "training_hours",
            "township",
        ]
        read_only_fields = ["training_hours", "township"]  # noqa: RUF012

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            from caseworkers.models import VolunteerOrganization

            fields["organization"].queryset = VolunteerOrganization.objects.in_scope(request.user)
        return fields


class AssignmentSerializer(serializers.ModelSerializer):
    household = ScopedPK(households_in_scope, required=False, allow_null=True)
    activity = ScopedPK(lambda u: PublicityActivity.objects.in_scope(u), required=False, allow_null=True)

    class Meta:
        model = VolunteerAssignment
        fields = ["id", "household", "activity", "task", "due_on", "hours", "done"]  # noqa: RUF012
        read_only_fields = ["hours", "done"]  # noqa: RUF012


class HoursSerializer(serializers.Serializer):
    assignment_id = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=1)


class TrainingSerializer(serializers.ModelSerializer):
    caseworkers_present = ScopedPK(
        lambda u: scoped(User.objects.filter(role=Role.CASEWORKER), u, township="area", county="area__county"),
        many=True,
        required=False,
    )
    volunteers_present = ScopedPK(lambda u: Volunteer.objects.in_scope(u), many=True, required=False)

    class Meta:
        model = Training
        fields = [
            "id",
            "title",
            "audience",
            "topic",
            "held_on",
            "hours",
            "caseworkers_present",
            "volunteers_present",
            "township",
            "county",
        ]  # noqa: RUF012
        read_only_fields = ["township", "county"]  # noqa: RUF012


class CaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = TypicalCase
        fields = ["id", "title", "domain", "body", "status", "approved_on", "review_note", "township", "county"]  # noqa: RUF012
        read_only_fields = ["status", "approved_on", "review_note", "township", "county"]  # noqa: RUF012


class CaseStepSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=["submitted", "approved", "returned"])
    anonymised = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TaskSerializer(serializers.Serializer):
    due = serializers.DateField()
    kind = serializers.CharField()
    label = serializers.CharField()
    household_id = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()


class CreateThroughService(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read and create; creation calls ``create_service`` (no update or delete endpoint)."""

    write_roles = FIELD
    create_service = None

    def perform_create(self, serializer):
        data = {k: (list(v) if isinstance(v, list) else v) for k, v in serializer.validated_data.items()}
        serializer.instance = type(self).create_service(actor=self.request.user, **data)


class ResourceViewSet(CreateThroughService):
    """The resource directory: government and social resources of the user's area chain."""

    serializer_class = ResourceSerializer
    write_roles = WRITE
    create_service = services.resource_create
    filterset_fields = ["domain", "kind", "area"]  # noqa: RUF012

    def scoped_queryset(self, user):
        return selectors.resource_list(user=user, q=self.request.query_params.get("q", ""), active_only=False)


class ReferralViewSet(CreateThroughService):
    """Referrals of households to resources: sent → accepted → done / failed."""

    serializer_class = ReferralSerializer
    create_service = services.referral_create
    step_roles = FIELD
    filterset_fields = ["status", "household"]  # noqa: RUF012

    def scoped_queryset(self, user):
        return selectors.referral_list(user=user)

    @extend_schema(request=ReferralStepSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        referral = self.get_object()
        s = ReferralStepSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        services.referral_transition(
            actor=request.user,
            referral=referral,
            target=v["to"],
            reason=v["reason"],
            follow_up_on=v.get("follow_up_on"),
            expected_version=v.get("version"),
        )
        return Response(ReferralSerializer(referral, context={"request": request}).data)


class ServiceViewSet(CreateThroughService):
    """Service records: case, group and community work."""

    serializer_class = ServiceSerializer
    create_service = services.service_create
    followed_up_roles = FIELD

    def scoped_queryset(self, user):
        return selectors.service_list(user=user).prefetch_related("households")

    @extend_schema(request=None, responses=ServiceSerializer)
    @action(detail=True, methods=["post"], url_path="followed-up")
    def followed_up(self, request, pk=None):
        service = self.get_object()
        services.service_followed_up(actor=request.user, service=service)
        return Response(ServiceSerializer(service, context={"request": request}).data)


class PublicityViewSet(CreateThroughService):
    """Publicity activities: households reached, head count, volunteers."""

    serializer_class = PublicitySerializer
    create_service = services.publicity_create

    def scoped_queryset(self, user):
        return selectors.publicity_list(user=user).prefetch_related("households", "volunteers")


class FeedbackViewSet(CreateThroughService):
    """Policy feedback sent up to the county or city, with the response."""

    serializer_class = FeedbackSerializer
    create_service = services.feedback_create
    write_roles = WRITE
    respond_roles = COUNTY

    def scoped_queryset(self, user):
        return selectors.feedback_list(user=user)

    @extend_schema(request=ResponseSerializer, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        feedback = self.get_object()
        s = ResponseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.feedback_respond(actor=request.user, feedback=feedback, response=s.validated_data["response"])
        return Response(FeedbackSerializer(feedback).data)


class VolunteerViewSet(CreateThroughService):
    """Volunteers, their assignments and hours."""

    serializer_class = VolunteerSerializer
    create_service = services.volunteer_create
    write_roles = WRITE

    def scoped_queryset(self, user):
        return selectors.volunteer_list(user=user)

    @extend_schema(request=AssignmentSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        volunteer = self.get_object()
        s = AssignmentSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        assignment = services.assignment_create(actor=request.user, volunteer=volunteer, **s.validated_data)
        return Response(AssignmentSerializer(assignment).data, status=201)

    @extend_schema(request=HoursSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="assignment-done")
    def assignment_done(self, request, pk=None):
        volunteer = self.get_object()
        s = HoursSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        assignment = VolunteerAssignment.objects.filter(
            volunteer=volunteer, pk=s.validated_data["assignment_id"]
        ).first()
        if assignment is None:
            raise serializers.ValidationError({"assignment_id": ["?"]})
        services.assignment_complete(actor=request.user, assignment=assignment, hours=s.validated_data["hours"])
        return Response(AssignmentSerializer(assignment).data)


class TrainingViewSet(CreateThroughService):
    """Training sessions for caseworkers and volunteers, with attendance."""

    serializer_class = TrainingSerializer
    create_service = services.training_create
    write_roles = WRITE

    def scoped_queryset(self, user):
        return selectors.training_list(user=user).prefetch_related("caseworkers_present", "volunteers_present")


class CaseViewSet(mixins.UpdateModelMixin, CreateThroughService):
    """Typical cases: written by caseworkers, approved by the county, then readable by all.
    The author edits a draft or a returned case (PATCH)."""

    serializer_class = CaseSerializer
    create_service = services.case_create
    step_roles = (*FIELD, *COUNTY)
    http_method_names = ["get", "post", "patch", "head", "options"]  # noqa: RUF012

    def perform_update(self, serializer):
        case = serializer.instance
        if case.created_by_id != self.request.user.pk:
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied
        serializer.instance = services.case_update(actor=self.request.user, case=case, **serializer.validated_data)

    def scoped_queryset(self, user):
        return selectors.case_list(user=user)

    @extend_schema(request=CaseStepSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        case = self.get_object()
        s = CaseStepSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        deciding = v["to"] in ("approved", "returned")
        allowed = COUNTY if deciding else FIELD
        own_area = TypicalCase.objects.filter(pk=case.pk).filter(
            pk__in=scoped(TypicalCase.objects.all(), request.user).values("pk")
        )
        if (
            request.user.role not in allowed
            or not own_area.exists()
            or (not deciding and case.created_by_id != request.user.pk)
        ):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied
        services.case_transition(
            actor=request.user, case=case, target=v["to"], anonymised=v["anonymised"], note=v["note"]
        )
        return Response(CaseSerializer(case).data)


class TaskViewSet(viewsets.ViewSet):
    """My tasks: what is due for the requesting user, earliest first."""

    @extend_schema(responses=TaskSerializer(many=True))
    def list(self, request):
        return Response(TaskSerializer(mytasks.tasks_for(request.user), many=True).data)
