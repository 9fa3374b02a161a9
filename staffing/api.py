# ruff: noqa: RUF012 -- Django/DRF Meta options are declarations read once, not shared mutable state.
"""Staffing API: scoped viewsets whose writes go through the services, the recruitment check and the sheet."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.response import Response

from jiuzhu.api import ScopedViewSetMixin, VersionedSerializerMixin
from jiuzhu.i18n import render_reasons
from jiuzhu.models import Area, AreaLevel
from staffing import rules, selectors, services, views
from staffing.models import (
    CIVIL_WRITE_ROLES,
    FINANCE_WRITE_ROLES,
    READ_ROLES,
    Appraisal,
    Caseworker,
    CaseworkerStatus,
    Certificate,
    Education,
    EmploymentContract,
    ServiceContract,
    SocialOrganization,
    TransferPayment,
)

CASEWORKER_READ_ROLES = READ_ROLES | {"caseworker"}


class ServiceBackedViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Create and update call ``create_service``/``update_service``; there is no delete (history stays)."""

    read_roles = READ_ROLES
    write_roles = CIVIL_WRITE_ROLES
    instance_kwarg = "instance"

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        instance = serializer.instance
        serializer.instance = type(self).update_service(
            actor=self.request.user,
            expected_version=instance.version,
            **{self.instance_kwarg: instance},
            **serializer.validated_data,
        )


def _scoped_area_field(level: str):
    class ScopedArea(serializers.SlugRelatedField):
        def get_queryset(self):
            request = self.context.get("request")
            qs = Area.objects.filter(level=level, active=True)
            return qs.visible_to(request.user) if request else qs.none()

    return ScopedArea(slug_field="code")


class ScopedRelated(serializers.PrimaryKeyRelatedField):
    """A related record chosen by id, found only inside the user's scope."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.model.objects.in_scope(request.user) if request else self.model.objects.none()


# --------------------------------------------------------------------------- organizations


class OrganizationSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    county = _scoped_area_field(AreaLevel.COUNTY)
    credit_code = serializers.CharField(max_length=40)

    class Meta:
        model = SocialOrganization
        fields = [
            "id",
            "name",
            "credit_code",
            "county",
            "registration_authority",
            "registered_on",
            "legal_representative",
            "address",
            "contact_person",
            "contact_phone",
            "version",
        ]
        read_only_fields = ["id"]


class OrganizationViewSet(ServiceBackedViewSet):
    serializer_class = OrganizationSerializer
    instance_kwarg = "organization"
    create_service = staticmethod(services.organization_create)
    update_service = staticmethod(services.organization_update)
    filterset_fields = ["county"]
    ordering_fields = ["name"]

    def scoped_queryset(self, user):
        return selectors.organization_list(user=user)


# --------------------------------------------------------------------------- service contracts


class ServiceContractSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    township = _scoped_area_field(AreaLevel.TOWNSHIP)
    organization = ScopedRelated(SocialOrganization)
    township_name = serializers.CharField(source="township.name", read_only=True)

    class Meta:
        model = ServiceContract
        fields = [
            "id",
            "township",
            "township_name",
            "organization",
            "contract_no",
            "start",
            "end",
            "amount",
            "posts",
            "version",
        ]
        read_only_fields = ["id"]


class ServiceContractViewSet(ServiceBackedViewSet):
    serializer_class = ServiceContractSerializer
    instance_kwarg = "contract"
    create_service = staticmethod(services.service_contract_create)
    update_service = staticmethod(services.service_contract_update)
    ordering_fields = ["start", "end"]

    def scoped_queryset(self, user):
        return selectors.service_contract_list(user=user)


# --------------------------------------------------------------------------- caseworkers


class CaseworkerSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    township = _scoped_area_field(AreaLevel.TOWNSHIP)
    organization = ScopedRelated(SocialOrganization, required=False, allow_null=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    id_number = serializers.CharField(
        write_only=True, required=False, max_length=30, help_text="Write-only; lists show id_number_masked."
    )

    class Meta:
        model = Caseworker
        fields = [
            "id",
            "user",
            "name",
            "id_number",
            "id_number_masked",
            "birth_date",
            "hukou_place",
            "hukou_in_jiaxing",
            "education",
            "full_time_education",
            "work_years",
            "civil_affairs_or_community_experience",
            "qualification_level",
            "qualification_date",
            "from_household_in_difficulty",
            "hire_date",
            "township",
            "township_name",
            "organization",
            "full_time",
            "status",
            "left_on",
            "dismissed_on",
            "version",
        ]
        read_only_fields = ["id", "id_number_masked", "birth_date", "status", "left_on", "dismissed_on"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            fields["user"].read_only = True
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None and not attrs.get("id_number"):
            raise serializers.ValidationError({"id_number": ["请填写身份证号码。"]})
        if self.instance is not None and "id_number" in attrs:
            raise serializers.ValidationError({"id_number": ["身份证号码创建后不可修改。"]})
        return attrs


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseworkerStatus.choices)
    on = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class CaseworkerViewSet(ServiceBackedViewSet):
    serializer_class = CaseworkerSerializer
    read_roles = CASEWORKER_READ_ROLES
    instance_kwarg = "caseworker"
    create_service = staticmethod(services.caseworker_create)
    update_service = staticmethod(services.caseworker_update)
    filterset_fields = ["township", "status"]
    ordering_fields = ["name", "hire_date"]

    def scoped_queryset(self, user):
        return selectors.caseworker_list(user=user)

    @extend_schema(request=StatusChangeSerializer, responses=CaseworkerSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Move the caseworker to in post / left / dismissed on a date (kept in the status history)."""
        caseworker = self.get_object()
        change = StatusChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        data = change.validated_data
        services.caseworker_change_status(
            actor=request.user,
            caseworker=caseworker,
            status=data["status"],
            on=data["on"],
            reason=data["reason"],
            expected_version=data.get("version"),
        )
        return Response(CaseworkerSerializer(caseworker, context=self.get_serializer_context()).data)


# --------------------------------------------------------------------------- employment contracts, appraisals


class EmploymentContractListSerializer(serializers.ListSerializer):
    """Checks every contract of the page against S-2.1.2 with one policy query, then lists them."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        self.child.checks = selectors.contract_checks(items, today=timezone.localdate())
        return super().to_representation(items)


class EmploymentContractSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    caseworker = ScopedRelated(Caseworker)
    organization = ScopedRelated(SocialOrganization)
    contract_ok = serializers.SerializerMethodField(help_text="Meets S-2.1.2 (term, pay, social insurance).")
    contract_reasons = serializers.SerializerMethodField(help_text="Why not, in the request's language.")

    class Meta:
        model = EmploymentContract
        fields = [
            "id",
            "caseworker",
            "organization",
            "start",
            "end",
            "monthly_pay",
            "township_reference_pay",
            "social_insurance",
            "signed_on",
            "contract_ok",
            "contract_reasons",
            "version",
        ]
        read_only_fields = ["id"]
        list_serializer_class = EmploymentContractListSerializer

    def _check(self, contract) -> rules.ContractCheck:
        checks = getattr(self, "checks", None)
        if checks is None or contract.pk not in checks:
            self.checks = checks = {
                contract.pk: selectors.contract_check(
                    contract, user=self.context["request"].user, today=timezone.localdate()
                )
            }
        return checks[contract.pk]

    def get_contract_ok(self, contract) -> bool:
        return self._check(contract).ok

    def get_contract_reasons(self, contract) -> list[str]:
        return render_reasons(self._check(contract).reasons)


class EmploymentContractViewSet(ServiceBackedViewSet):
    serializer_class = EmploymentContractSerializer
    read_roles = CASEWORKER_READ_ROLES
    instance_kwarg = "contract"
    create_service = staticmethod(services.employment_contract_create)
    update_service = staticmethod(services.employment_contract_update)

    def scoped_queryset(self, user):
        return selectors.employment_contract_list(user=user)


class AppraisalSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    caseworker = ScopedRelated(Caseworker)

    class Meta:
        model = Appraisal
        fields = [
            "id",
            "caseworker",
            "year",
            "score",
            "grade",
            "rank",
            "cohort_size",
            "cohort_basis",
            "is_last_place",
            "reward_given",
            "version",
        ]
        read_only_fields = ["id"]
        validators = []  # one per caseworker and year: the service answers in Chinese


class AppraisalViewSet(ServiceBackedViewSet):
    serializer_class = AppraisalSerializer
    read_roles = CASEWORKER_READ_ROLES
    instance_kwarg = "appraisal"
    create_service = staticmethod(services.appraisal_create)
    update_service = staticmethod(services.appraisal_update)
    filterset_fields = ["year", "grade"]

    def scoped_queryset(self, user):
        return selectors.appraisal_list(user=user)


# --------------------------------------------------------------------------- transfers


class TransferSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    township = _scoped_area_field(AreaLevel.TOWNSHIP)
    township_name = serializers.CharField(source="township.name", read_only=True)
    county = serializers.CharField(source="county.code", read_only=True)

    class Meta:
        model = TransferPayment
        fields = [
            "id",
            "township",
            "township_name",
            "county",
            "year",
            "amount",
            "paid_on",
            "document_no",
            "note",
            "version",
        ]
        read_only_fields = ["id"]


class TransferViewSet(ServiceBackedViewSet):
    serializer_class = TransferSerializer
    write_roles = FINANCE_WRITE_ROLES
    instance_kwarg = "transfer"
    create_service = staticmethod(services.transfer_create)
    update_service = staticmethod(services.transfer_update)
    filterset_fields = ["year"]

    def scoped_queryset(self, user):
        return selectors.transfer_list(user=user)


# --------------------------------------------------------------------------- recruitment check and the sheet


class RecruitmentCheckSerializer(serializers.Serializer):
    check_date = serializers.DateField()
    birth_date = serializers.DateField()
    hukou_in_jiaxing = serializers.BooleanField()
    healthy = serializers.BooleanField()
    computer_literate = serializers.BooleanField()
    education = serializers.ChoiceField(choices=Education.choices)
    full_time_education = serializers.BooleanField()
    work_years = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0)
    civil_affairs_or_community_experience = serializers.BooleanField()
    social_work_certificate = serializers.ChoiceField(choices=Certificate.choices)
    from_household_in_difficulty = serializers.BooleanField()

    def validate(self, attrs):
        if attrs["birth_date"] > attrs["check_date"]:
            raise serializers.ValidationError({"birth_date": ["出生日期晚于核查日期。"]})
        return attrs


class RecruitmentDecisionSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    relaxed = serializers.BooleanField()
    priority = serializers.BooleanField()


@extend_schema(
    request=RecruitmentCheckSerializer,
    responses=RecruitmentDecisionSerializer,
    description="Check a candidate against the annex's recruitment conditions R-1..R-5 with the policy of "
    "the user's county (or the city) for the check date's year; defaults when none is set.",
)
@api_view(["POST"])
@permission_classes([permissions.IsAuthenticated])
def recruitment_check(request):
    serializer = RecruitmentCheckSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return Response(views.run_recruitment_check(request.user, serializer.validated_data))


@extend_schema(
    parameters=[
        OpenApiParameter(
            "county", str, required=False, description="County code; omitted: the city workbook of every county"
        ),
        OpenApiParameter("year", int, required=True),
    ],
    responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
)
@api_view(["GET"])
@permission_classes([permissions.IsAuthenticated])
def transfer_sheet(request):
    """The transfer-payment XLSX of one county (or the city workbook); another county's → 404."""
    user = request.user
    if not (user.is_superuser or user.role in views.BOARD_ROLES):
        raise Http404
    year = request.query_params.get("year", "")
    if not year.isdigit() or not 2018 <= int(year) <= 2100:
        raise serializers.ValidationError({"year": ["请填写年份（2018–2100）。"]})
    code = request.query_params.get("county") or None
    if code is None and user.area is not None and user.area.level == AreaLevel.COUNTY:
        code = user.area.code  # a county user's sheet is their county's, never a city workbook
    counties = selectors.sheet_counties(user, code)
    if not counties:
        raise Http404
    return views.sheet_response(request._request, counties=counties, code=code, year=int(year))
