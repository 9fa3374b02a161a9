"""makemessages that also extracts ``N_("…")``: the marker plain-Python rules use for the
reasons they return (they cannot import Django's gettext_noop)."""

from django.core.management.commands.makemessages import Command as MakeMessages


class Command(MakeMessages):
    xgettext_options = [*MakeMessages.xgettext_options, "--keyword=N_"]
