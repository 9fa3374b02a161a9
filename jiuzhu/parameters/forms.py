# ruff: noqa: RUF012 -- Django Meta options are declarations read once, not shared mutable state.
"""The policy row form: it parses the figures; the service and the model's floors decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuzhu.models import Area, AreaLevel, PolicyParameters
from jiuzhu.parameters.services import FIGURES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PolicyRowForm(forms.ModelForm):
    """A new row asks for its area and year; an existing one keeps them and carries its version."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PolicyParameters
        fields = ["area", "year", *FIGURES]
        widgets = {"staffing_first_check_date": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        areas = Area.objects.visible_to(user).filter(level__in=(AreaLevel.CITY, AreaLevel.COUNTY), active=True)
        self.fields["area"].queryset = areas.order_by("level", "code")
        self.fields["area"].label_from_instance = lambda area: area.name  # chosen by name, never by code
        self.fields["area"].empty_label = _("Choose the city or a county-level unit")
        if self.instance.pk:
            del self.fields["area"]
            del self.fields["year"]
            self.fields["version"].initial = self.instance.version

    def _post_clean(self) -> None:
        # The floors and the one-row-per-year rule are the service's to say, in its words:
        # the model's clean would run here first and say them twice.
        pass

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in FIGURES}
