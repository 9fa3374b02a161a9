"""The reason templates of ``staffing/rules.py``, listed so ``makemessages`` extracts them.

Rules mark their templates with ``N_``, a keyword Django's ``makemessages`` does not
know; without this list the templates never reach the catalogue and the reasons stay
in English. A test checks that this list and the ``N_`` calls in rules.py agree.
"""

from django.utils.translation import gettext_noop

TEMPLATES = (
    gettext_noop('%(years)s years of work experience: %(minimum)s years or more are required.'),
    gettext_noop('Aged %(age)s on %(date)s: the limit is %(limit)s or under.'),
    gettext_noop('Appraised excellent for %(year)s: a reward is due.'),
    gettext_noop('Appraised unqualified for %(year)s: dismissal is due.'),
    gettext_noop('Character %(position)s of the credit code, "%(character)s", is not allowed (the letters I, O, Z, S and V are never used).'),
    gettext_noop('Full-time college (dazhuan) education or higher is required.'),
    gettext_noop('Household registration is not in Jiaxing.'),
    gettext_noop('Last place in both %(previous)s and %(year)s: dismissal is due.'),
    gettext_noop('Monthly pay %(pay)s yuan is below the township reference pay of %(reference)s yuan.'),
    gettext_noop('Not able to use a computer.'),
    gettext_noop('Not enrolled in social insurance.'),
    gettext_noop('Not in good health.'),
    gettext_noop('The check character of the credit code does not match the other characters: check it for a typing error.'),
    gettext_noop('The contract ends (%(end)s) before it starts (%(start)s).'),
    gettext_noop('The contract runs from %(start)s to %(end)s: a single contract of %(years)s years or more is required (to %(needed)s at least).'),
    gettext_noop('The credit code has %(length)s characters: it must have %(expected)s.'),
)
