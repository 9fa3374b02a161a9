"""Household API: serializers and viewsets, scoped like the pages; writes go through services.

Reads: every civil-affairs user in scope (and guardian grants). Writes: caseworkers and
township officers, for households of their own township (``selectors.can_edit``).
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, parsers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from households import access, rules
from households.dossier import selectors, services
from households.dossier.documents import EXTENSIONS, missing_file_message
from households.models import (
    Assessment,
    AssessmentNeed,
    Document,
    Enrolment,
    EnrolmentStatusChange,
    Household,
    HouseholdStatus,
    LeaveReason,
    Member,
    NeedDomain,
    NeedLevel,
    Survey,
    SurveyMemberCheck,
    Verification,
)
from households.rules.needs import unrated_domains
from jiuzhu import audit
from jiuzhu.api import ScopedViewSetMixin, VersionedSerializerMixin
from jiuzhu.i18n import render_reasons
from jiuzhu.models import Role, User


def _editable(user, household: Household) -> Household:
    if not selectors.can_edit(user, household):
        raise exceptions.PermissionDenied
    return household


@extend_schema_field(OpenApiTypes.INT)
class ScopedHouseholdField(serializers.PrimaryKeyRelatedField):
    """A household the user may see (others: 'does not exist', as if not there)."""

    def get_queryset(self):
        return Household.objects.in_scope(self.context["request"].user)


class MaskedPhoneMixin(serializers.Serializer):
    """``phone`` answered masked to roles that get masked ID numbers (``access.phone_for``).

    A client of such a role that sends back the masked number it read leaves the number
    unchanged (it is not a number, and not a change)."""

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def to_internal_value(self, data):
        instance = getattr(self, "instance", None)
        sent = data.get("phone") if hasattr(data, "get") else None
        if instance is not None and sent and "*" in str(sent) and sent == rules.mask_phone(instance.phone):
            data = data.copy()
            data.pop("phone")
        return super().to_internal_value(data)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = self._user()
        if data.get("phone"):
            # No request (a serializer used outside a view): masked, the safe side.
            data["phone"] = (
                access.phone_for(user, data["phone"]) if user is not None else rules.mask_phone(data["phone"])
            )
        return data


class HouseholdSerializer(MaskedPhoneMixin, VersionedSerializerMixin, serializers.ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)
    # A household between heads (the head died or left) has none: null, and the schema says so.
    head_name = serializers.CharField(source="head.name", read_only=True, default=None, allow_null=True)
    # Any active caseworker here; the service refuses one of another township with its reason.
    caseworkers = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=User.objects.filter(role=Role.CASEWORKER, is_active=True),
        help_text="Ids of the caseworker users assigned (of the household's township).",
    )

    class Meta:
        model = Household
        fields = [
            "id",
            "dossier_no",
            "township",
            "township_name",
            "county",
            "village",
            "address",
            "phone",
            "status",
            "risk_level",
            "income_stable",
            "registered_on",
            "last_visit_on",
            "next_review_on",
            "completeness",
            "member_count",
            "head",
            "head_name",
            "caseworkers",
            "notes",
            "version",
        ]
        read_only_fields = [
            "dossier_no",
            "county",
            "status",
            "completeness",
            "member_count",
            "head",
            "last_visit_on",
            "next_review_on",
            "version",
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            attrs.pop("township", None)  # a household is not moved to another township here
        return attrs


class HouseholdStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[HouseholdStatus.EXITED, HouseholdStatus.PENDING],
        help_text="exited, or pending to register an exited household again.",
    )
    reason = serializers.CharField(max_length=300, allow_blank=True)
    version = serializers.IntegerField(required=False)


class HouseholdFilter(django_filters.FilterSet):
    missing = django_filters.ChoiceFilter(
        choices=[(code, code) for code in rules.REQUIREMENTS],
        method="filter_missing",
        label="Households missing this dossier item (a requirement code).",
    )

    class Meta:
        model = Household
        fields = ["township", "status", "risk_level"]

    def filter_missing(self, queryset, name, value):
        return queryset.filter(selectors.missing_item_q(value))


class HouseholdViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Households (no delete: a household leaves the register by status, its file stays)."""

    serializer_class = HouseholdSerializer
    write_roles = access.roles(access.Action.EDIT_DOSSIER)
    set_status_roles = access.roles(access.Action.SET_STATUS)
    filterset_class = HouseholdFilter
    ordering_fields = ["dossier_no", "next_review_on", "completeness"]

    def scoped_queryset(self, user):
        return selectors.household_list(user=user).prefetch_related(
            Prefetch("caseworkers", queryset=User.objects.only("pk"))
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        township = data.pop("township")
        probe = Household(township=township)
        _editable(self.request.user, probe)
        serializer.instance = services.household_create(actor=self.request.user, township=township, **data)

    def perform_update(self, serializer):
        household = _editable(self.request.user, serializer.instance)
        data = serializer.validated_data
        # The serializer has refused a missing or stale version (VersionedSerializerMixin).
        serializer.instance = services.household_update(
            actor=self.request.user,
            household=household,
            expected_version=int(self.request.data["version"]),
            **{k: v for k, v in data.items() if k in services.HOUSEHOLD_CORRECTABLE},
        )

    @extend_schema(request=HouseholdStatusSerializer, responses=HouseholdSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        """Exit the household or register an exited one again, with the reason (township officers)."""
        household = _editable(request.user, self.get_object())
        change = HouseholdStatusSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        data = change.validated_data
        household = services.household_status_set(
            actor=request.user,
            household=household,
            to=data["status"],
            reason=data["reason"],
            expected_version=data.get("version", household.version),
        )
        return Response(HouseholdSerializer(household, context=self.get_serializer_context()).data)


class MemberSerializer(MaskedPhoneMixin, VersionedSerializerMixin, serializers.ModelSerializer):
    household = ScopedHouseholdField()
    id_number = serializers.CharField(
        write_only=True,
        required=False,
        max_length=30,
        help_text="18-character resident ID number; answers show only id_number_masked.",
    )
    # Read-only and empty for a current member: declared so the schema allows the blank value.
    left_reason = serializers.ChoiceField(choices=LeaveReason.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "household",
            "name",
            "id_number",
            "id_number_masked",
            "relation_to_head",
            "sex",
            "birth_date",
            "hukou_place",
            "labour_ability",
            "health",
            "disability_class",
            "disability_kind",
            "school_stage",
            "employment",
            "monthly_income",
            "phone",
            "active",
            "joined_on",
            "left_on",
            "left_reason",
            "version",
        ]
        read_only_fields = [
            "id_number_masked",
            "sex",
            "birth_date",
            "active",
            "joined_on",
            "left_on",
            "left_reason",
            "version",
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None and not attrs.get("id_number"):
            raise serializers.ValidationError({"id_number": [serializers.Field.default_error_messages["required"]]})
        return attrs


class MemberMoveSerializer(serializers.Serializer):
    to_household = ScopedHouseholdField()
    relation_to_head = serializers.ChoiceField(choices=Member._meta.get_field("relation_to_head").choices)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    version = serializers.IntegerField(help_text="The member's version as read: a stale one is refused.")


class MemberLeaveSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=LeaveReason.choices)
    left_on = serializers.DateField(required=False, help_text="Default: today.")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)


class MemberViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = MemberSerializer
    write_roles = access.roles(access.Action.EDIT_DOSSIER)
    filterset_fields = ["household", "active", "relation_to_head"]

    def scoped_queryset(self, user):
        return Member.objects.in_scope(user).order_by("household_id", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        household = _editable(self.request.user, data.pop("household"))
        serializer.instance = services.member_add(actor=self.request.user, household=household, **data)

    def perform_update(self, serializer):
        member = serializer.instance
        _editable(self.request.user, member.household)
        data = dict(serializer.validated_data)
        data.pop("household", None)
        serializer.instance = services.member_update(
            actor=self.request.user,
            member=member,
            expected_version=int(self.request.data["version"]),
            id_number=data.pop("id_number", None),
            **data,
        )

    @extend_schema(request=MemberMoveSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the person to another household of the same township; the old membership is kept."""
        member = self.get_object()
        _editable(request.user, member.household)
        move = MemberMoveSerializer(data=request.data, context=self.get_serializer_context())
        move.is_valid(raise_exception=True)
        data = move.validated_data
        moved = services.member_move(
            actor=request.user,
            member=member,
            to_household=_editable(request.user, data["to_household"]),
            relation_to_head=data["relation_to_head"],
            reason=data.get("reason", ""),
            expected_version=data["version"],
        )
        return Response(MemberSerializer(moved, context=self.get_serializer_context()).data, status=201)

    @extend_schema(request=MemberLeaveSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        """End the membership (death, moved away, married out, other); the row is kept, inactive."""
        member = self.get_object()
        _editable(request.user, member.household)
        leave = MemberLeaveSerializer(data=request.data)
        leave.is_valid(raise_exception=True)
        data = leave.validated_data
        member = services.member_leave(
            actor=request.user,
            member=member,
            reason=data["reason"],
            on=data.get("left_on"),
            note=data.get("note", ""),
            expected_version=data.get("version", member.version),
        )
        return Response(MemberSerializer(member, context=self.get_serializer_context()).data)


class EnrolmentStatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnrolmentStatusChange
        fields = ["from_status", "to_status", "on", "reason", "decision_no"]


class EnrolmentSerializer(serializers.ModelSerializer):
    history = EnrolmentStatusChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "household",
            "member",
            "category",
            "status",
            "start_on",
            "end_on",
            "monthly_amount",
            "decision_no",
            "history",
        ]


class EnrolmentViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Enrolments are decided elsewhere (the procedure); read-only here."""

    serializer_class = EnrolmentSerializer
    filterset_fields = ["household", "category", "status"]

    def scoped_queryset(self, user):
        return Enrolment.objects.in_scope(user).prefetch_related("history")


class VerificationSerializer(serializers.ModelSerializer):
    household = ScopedHouseholdField()

    class Meta:
        model = Verification
        fields = [
            "id",
            "household",
            "verified_on",
            "source",
            "report_no",
            "members_counted",
            *Verification.INCOME_FIELDS,
            "income_from_new_work",
            "deposits",
            "securities",
            "real_estate_count",
            "vehicles",
            "vehicle_exempt",
            "registered_businesses",
            "expense_medical",
            "expense_education",
            "total_income",
            "per_capita_income",
            "classification",
            "created_at",
        ]
        read_only_fields = ["total_income", "per_capita_income", "classification", "created_at"]
        extra_kwargs = {"members_counted": {"required": False}}


class VerificationViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Verifications are records of a date: created, never edited (record a new one)."""

    serializer_class = VerificationSerializer
    write_roles = access.roles(access.Action.EDIT_DOSSIER)
    filterset_fields = ["household", "classification"]

    def scoped_queryset(self, user):
        return Verification.objects.in_scope(user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        household = _editable(self.request.user, data.pop("household"))
        serializer.instance = services.verification_record(actor=self.request.user, household=household, **data)


class SurveyCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveyMemberCheck
        fields = ["member", "outcome", "note"]
        extra_kwargs = {"member": {"queryset": Member.objects.all()}}


class SurveySerializer(serializers.ModelSerializer):
    household = ScopedHouseholdField()
    present = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.filter(is_active=True))
    member_checks = SurveyCheckSerializer(many=True)

    class Meta:
        model = Survey
        fields = [
            "id",
            "household",
            "visited_on",
            "present",
            "housing",
            "housing_condition",
            "appliances",
            "vehicles",
            "needs_observed",
            "household_confirmed",
            "confirmed_by_name",
            "notes",
            "follow_up_on",
            "member_checks",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class SurveyViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A whole survey in one request (photos: POST /api/documents/ with its ``survey``)."""

    serializer_class = SurveySerializer
    write_roles = access.roles(access.Action.EDIT_DOSSIER)
    filterset_fields = ["household"]

    def scoped_queryset(self, user):
        return Survey.objects.in_scope(user).prefetch_related("present", "member_checks")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        household = _editable(self.request.user, data.pop("household"))
        checks = [
            {"member": c["member"].pk, "outcome": c["outcome"], "note": c.get("note", "")}
            for c in data.pop("member_checks")
        ]
        serializer.instance = services.survey_record(
            actor=self.request.user, household=household, checks=checks, **data
        )


class NeedSerializer(serializers.ModelSerializer):
    domain = serializers.ChoiceField(choices=NeedDomain.choices)
    level = serializers.ChoiceField(choices=NeedLevel.choices)

    class Meta:
        model = AssessmentNeed
        fields = ["domain", "level", "note"]


class AssessmentSerializer(serializers.ModelSerializer):
    household = ScopedHouseholdField()
    needs = NeedSerializer(many=True)

    class Meta:
        model = Assessment
        fields = ["id", "household", "assessed_on", "priority", "summary", "needs", "created_at"]
        read_only_fields = ["priority", "created_at"]

    def validate_needs(self, needs):
        """Every domain rated once: an unrated one is refused by name, not read as none."""
        unrated = unrated_domains({n["domain"]: n["level"] for n in needs})
        if unrated:
            raise serializers.ValidationError(render_reasons(unrated.values()))
        return needs


class AssessmentViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AssessmentSerializer
    write_roles = access.roles(access.Action.EDIT_DOSSIER)
    filterset_fields = ["household", "priority"]

    def scoped_queryset(self, user):
        return Assessment.objects.in_scope(user).prefetch_related("needs")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        household = _editable(self.request.user, data.pop("household"))
        needs = data.pop("needs")
        serializer.instance = services.assessment_record(
            actor=self.request.user,
            household=household,
            assessed_on=data["assessed_on"],
            summary=data.get("summary", ""),
            ratings={n["domain"]: n["level"] for n in needs},
            notes={n["domain"]: n.get("note", "") for n in needs},
        )


class DocumentSerializer(serializers.ModelSerializer):
    household = ScopedHouseholdField()
    file = serializers.FileField(write_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "household",
            "member",
            "survey",
            "kind",
            "file",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "note",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = ["original_name", "content_type", "size", "sha256", "uploaded_at"]
        extra_kwargs = {"member": {"queryset": Member.objects.all()}, "survey": {"queryset": Survey.objects.all()}}

    def get_download_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("api:document-download", args=[obj.pk])

    def validate(self, attrs):
        for name in ("member", "survey"):
            related = attrs.get(name)
            if related is not None and related.household_id != attrs["household"].pk:
                raise serializers.ValidationError({name: [_("Not in this household.")]})
        return attrs


class DocumentViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Upload (multipart: household, kind, file) and download through the scope check."""

    serializer_class = DocumentSerializer
    write_roles = access.roles(access.Action.EDIT_DOSSIER)
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]
    filterset_fields = ["household", "kind", "member"]

    def scoped_queryset(self, user):
        return Document.objects.in_scope(user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        household = _editable(self.request.user, data.pop("household"))
        serializer.instance = services.document_upload(
            actor=self.request.user,
            household=household,
            kind=data["kind"],
            upload=data["file"],
            member=data.get("member"),
            survey=data.get("survey"),
            note=data.get("note", ""),
        )

    # The stored file's own type (sniffed at upload), one of these: the schema names them all.
    @extend_schema(responses={(200, content_type): OpenApiTypes.BINARY for content_type in EXTENSIONS})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        document = self.get_object()
        try:
            handle = document.file.open("rb")
        except OSError:  # the row without its file: a 404 that says so, not a 500
            raise exceptions.NotFound(missing_file_message()) from None
        audit.record_view(actor=request.user, instance=document, what=_("Document downloaded"), request=request)
        response = FileResponse(
            handle,
            content_type=document.content_type,
            as_attachment=True,
            filename=f"document-{document.pk}.{EXTENSIONS.get(document.content_type, 'bin')}",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
