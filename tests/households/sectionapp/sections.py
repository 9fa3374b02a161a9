"""A stand-in for another app's dossier section provider (plans, services...)."""


def sections(*, household, user):
    return [
        (20, "第二节", "households/_test_section.html", {"note": f"second {household.dossier_no}"}),
        (10, "帮扶计划", "households/_test_section.html", {"note": f"plan for {user.username}"}),
    ]
