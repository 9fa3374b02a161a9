"""makemessages that also extracts ``N_()`` templates (jiuzhu.reasons): rule reasons and
labels (ID number checks, completeness items) are shown translated only if they reach
the catalogue. Lives here until the integrator moves it to jiuzhu/."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
