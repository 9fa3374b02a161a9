"""Household API: serializers and viewsets, scoped like the pages."""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets

from households import selectors
from households.models import Household
from jiuzhu.api import ScopedViewSetMixin


class HouseholdSerializer(serializers.ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)

    class Meta:
        model = Household
        fields = ["id", "dossier_no", "township", "township_name", "county", "village", "address", "status",
                  "risk_level", "registered_on", "last_visit_on", "next_review_on", "completeness", "member_count", "version"]
        read_only_fields = ["dossier_no", "county", "status", "completeness", "member_count", "version"]


class HouseholdViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = HouseholdSerializer
    filterset_fields = ["township", "status", "risk_level"]
    ordering_fields = ["dossier_no", "next_review_on", "completeness"]

    def scoped_queryset(self, user):
        return selectors.household_list(user=user)
