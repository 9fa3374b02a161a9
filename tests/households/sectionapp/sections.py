"""A stand-in for another app's dossier section provider (plans, services...)."""

from households.sections import Section


def sections(*, household, user):
    return [
        Section("second", 20, "第二节", "households/_test_section.html", {"note": f"second {household.dossier_no}"}),
        Section("first", 10, "帮扶计划", "households/_test_section.html", {"note": f"plan for {user.username}"}),
    ]
