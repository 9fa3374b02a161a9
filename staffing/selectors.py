"""Read-side queries for staffing pages, the API, the exports and the nightly alerts.

Every function here runs a fixed number of queries whatever the number of townships
or caseworkers: rows are loaded per county (or per city) in one query each and the
rules are applied in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Prefetch, Q, QuerySet, Sum

from jiuzhu.models import Area, AreaLevel, PolicyParameters
from jiuzhu.policy import Policy
from staffing import rules
from staffing.models import (
    Appraisal,
    Caseworker,
    CaseworkerPost,
    CaseworkerStatus,
    EmploymentContract,
    ServiceContract,
    SocialOrganization,
    StaffingAlertRun,
    TransferPayment,
)
from staffing.sheets import SheetLine, SummaryLine

CONTRACT_WARNING_DAYS = 90
QUALIFICATION_WARNING_DAYS = 180


# --------------------------------------------------------------------------- policy


def policies_for(counties: list[Area], year: int) -> dict[int, Policy]:
    """The policy in force for each county and year, in one query.

    Same choice as ``PolicyParameters.objects.for_county``: the latest year not after
    ``year``, the county's own row before the city's. Without any row the defaults
    apply (``dibao_standard`` 0: staffing reads only the staffing fields).
    """
    return PolicyParameters.objects.policies_or_unset(counties, year)


def policy_for(county: Area | None, year: int) -> Policy:
    if county is None:
        return Policy.unset(year)
    return PolicyParameters.objects.policy_for(county, year) or Policy.unset(year)


def user_policy(user, year: int) -> Policy:
    """The policy of the user's own county (township users: their township's county; city: the city row)."""
    area = getattr(user, "area", None)
    if area is None:
        return policy_for(None, year)
    if area.level == AreaLevel.COUNTY:
        return policy_for(area, year)
    if area.level == AreaLevel.TOWNSHIP and area.county_id:
        return policy_for(area.county, year)
    if area.level == AreaLevel.CITY:
        return policy_for(area, year)
    return policy_for(None, year)


# --------------------------------------------------------------------------- lists


def counties_visible(user) -> QuerySet[Area]:
    return Area.objects.visible_to(user).counties().filter(active=True).order_by("code")


def organization_list(*, user) -> QuerySet[SocialOrganization]:
    return SocialOrganization.objects.in_scope(user).select_related("county")


def service_contract_list(*, user) -> QuerySet[ServiceContract]:
    return ServiceContract.objects.in_scope(user).select_related("township", "county", "organization")


def caseworker_list(*, user) -> QuerySet[Caseworker]:
    return Caseworker.objects.in_scope(user).with_related()


def employment_contract_list(*, user) -> QuerySet[EmploymentContract]:
    return EmploymentContract.objects.in_scope(user).select_related(
        "caseworker", "caseworker__township", "caseworker__county", "organization"
    )


def contract_checks(contracts: list[EmploymentContract], *, today: date) -> dict[int, rules.ContractCheck]:
    """S-2.1.2 for each contract (loaded with ``caseworker__county``), by the policy of this year.

    One query (the policy rows of the contracts' counties) whatever the number of contracts.
    """
    counties = {c.caseworker.county_id: c.caseworker.county for c in contracts}
    policies = policies_for(list(counties.values()), today.year) if counties else {}
    return {c.pk: check_contract(c, policies[c.caseworker.county_id]) for c in contracts}


def contract_check(contract: EmploymentContract, *, user, today: date) -> rules.ContractCheck:
    """S-2.1.2 for one contract as saved (read again with what the check needs, in ``user``'s scope)."""
    contract = employment_contract_list(user=user).get(pk=contract.pk)
    return contract_checks([contract], today=today)[contract.pk]


def check_contract(contract: EmploymentContract, policy: Policy) -> rules.ContractCheck:
    return rules.check_contract(
        start=contract.start,
        end=contract.end,
        monthly_pay=contract.monthly_pay,
        township_reference_pay=contract.township_reference_pay,
        social_insurance_enrolled=contract.social_insurance,
        policy=policy,
    )


def appraisal_list(*, user) -> QuerySet[Appraisal]:
    return Appraisal.objects.in_scope(user).select_related("caseworker", "caseworker__township")


def transfer_list(*, user) -> QuerySet[TransferPayment]:
    return TransferPayment.objects.in_scope(user).select_related("township", "county")


def caseworker_detail(*, user, pk: int) -> Caseworker:
    return (
        caseworker_list(user=user)
        .prefetch_related(
            Prefetch("contracts", queryset=EmploymentContract.objects.select_related("organization")),
            "appraisals",
            "status_changes",
            Prefetch("posts", queryset=CaseworkerPost.objects.select_related("township")),
        )
        .get(pk=pk)
    )


# --------------------------------------------------------------------------- facts shared by the board and the alerts


def post_of(post: CaseworkerPost) -> rules.Post:
    """One row of the post history as the rules see it (loaded with its township)."""
    return rules.Post(township_code=post.township.code, start=post.start_on, end=post.end_on, full_time=post.full_time)


def dismissal_outcome(appraisals: list[Appraisal]) -> tuple[int, rules.DismissalDue] | None:
    """S-2.1.3 over every appraised year of one caseworker: (the year it became due, why), or None."""
    due = rules.dismissal_due(
        grades_by_year={a.year: a.grade for a in appraisals},
        last_place_years={a.year for a in appraisals if a.is_last_place},
    )
    return (due.year, due) if due is not None else None


def contract_span(contract: EmploymentContract) -> rules.Span:
    return rules.Span(contract.start, contract.end)


def covering_posts_of(
    posts: list[CaseworkerPost], spans: dict[int, list[rules.Span]]
) -> list[tuple[CaseworkerPost, rules.Post]]:
    """Each post with the parts of it that cover its township (``rules.covering_posts``), given
    each caseworker's contract spans."""
    return [
        (post, part)
        for post in posts
        for part in rules.covering_posts(posts=[post_of(post)], contracts=spans.get(post.caseworker_id, []))
    ]


def contract_spans(caseworker_ids: set[int]) -> dict[int, list[rules.Span]]:
    """The employment contracts of these caseworkers as date spans (one query)."""
    spans: dict[int, list[rules.Span]] = defaultdict(list)
    if caseworker_ids:
        for cw_id, start, end in EmploymentContract.objects.filter(caseworker_id__in=caseworker_ids).values_list(
            "caseworker_id", "start", "end"
        ):
            spans[cw_id].append(rules.Span(start, end))
    return spans


def covered_township_ids(*, townships: Q, day: date) -> set[int]:
    """The townships covered on ``day`` (S-2.1.1, ``rules.covering_posts``): two queries,
    the full-time posts held that day and the contracts of their caseworkers."""
    posts = list(
        CaseworkerPost.objects.filter(full_time=True)
        .overlapping(day, day)
        .filter(township__in=Area.objects.filter(townships))
        .select_related("township")
    )
    spans = contract_spans({p.caseworker_id for p in posts})
    covered = rules.covered_townships(posts=[part for _p, part in covering_posts_of(posts, spans)], day=day)
    return {p.township_id for p in posts if p.township.code in covered}


def current_contract(contracts: list[EmploymentContract], today: date) -> EmploymentContract | None:
    running = [c for c in contracts if c.start <= today and (c.end is None or c.end >= today)]
    return max(running, key=lambda c: c.start) if running else None


@dataclass
class Finding:
    """One thing the board or the nightly run flags about a caseworker."""

    kind: str
    caseworker: Caseworker
    key: str
    due_on: date | None
    days_left: int | None = None
    reasons: list = field(default_factory=list)
    contract: EmploymentContract | None = None


def staffing_findings(
    caseworkers: list[Caseworker], *, today: date, policies: dict[int, Policy]
) -> dict[str, list[Finding]]:
    """Apply the staffing rules to caseworkers loaded with their contracts and appraisals.

    1. No employment contract running today (never entered, or ended).
    2. Contracts ending within 90 days.
    3. R-6 qualification: deadline within 180 days or overdue.
    4. No appraisal for last year, for those in post since before last year's end.
    5. S-2.1.3 dismissal due on any appraised year: due until a dismissal is recorded.
    """
    found: dict[str, list[Finding]] = {
        k: [] for k in ("no_contract", "contract_ending", "qualification", "appraisal_missing", "dismissal_due")
    }
    last_year = today.year - 1
    for cw in caseworkers:
        if cw.status != CaseworkerStatus.IN_POST:
            continue
        policy = policies[cw.county_id]
        contracts = list(cw.contracts.all())
        if cw.hire_date <= today and current_contract(contracts, today) is None:
            # S-2.1.1/S-2.1.2: in post without a contract running today (never entered, or
            # ended): the township is not covered by this caseworker.
            ended = max((c.end for c in contracts if c.end is not None and c.end < today), default=None)
            found["no_contract"].append(Finding("no_contract", cw, ended.isoformat() if ended else "none", ended))
        for contract in contracts:
            if contract.end is not None and today <= contract.end <= today + timedelta(days=CONTRACT_WARNING_DAYS):
                found["contract_ending"].append(
                    Finding(
                        "contract_ending",
                        cw,
                        contract.end.isoformat(),
                        contract.end,
                        (contract.end - today).days,
                        contract=contract,
                    )
                )
        level = None if cw.qualification_level == "none" else cw.qualification_level
        if cw.qualification_date is None:
            # The services refuse a level without its date; a row loaded around them
            # (bulk loads, old data) counts as not qualified rather than stopping the run.
            level = None
        status = rules.qualification_deadline(
            hire_date=cw.hire_date,
            level=level,
            obtained_on=cw.qualification_date if level else None,
            today=today,
            policy=policy,
        )
        if not status.met and status.days_left <= QUALIFICATION_WARNING_DAYS:
            found["qualification"].append(
                Finding(
                    "qualification_overdue" if status.overdue else "qualification_due",
                    cw,
                    status.deadline.isoformat(),
                    status.deadline,
                    status.days_left,
                )
            )
        appraisals = list(cw.appraisals.all())
        if cw.hire_date <= date(last_year, 12, 31) and not any(a.year == last_year for a in appraisals):
            found["appraisal_missing"].append(Finding("appraisal_missing", cw, str(last_year), date(last_year, 12, 31)))
        result = dismissal_outcome(appraisals)
        if result is not None:
            year, outcome = result
            found["dismissal_due"].append(
                Finding("dismissal_due", cw, str(year), date(year, 12, 31), reasons=list(outcome.reasons))
            )
    found["contract_ending"].sort(key=lambda f: f.due_on)
    found["qualification"].sort(key=lambda f: f.due_on)
    return found


def live_findings(*, caseworkers: Q, today: date) -> dict[str, list[Finding]]:
    """The staffing findings of today for the caseworkers in post matching ``caseworkers``.

    What the board, the dashboard's alert panel and the nightly run all show: computed
    from the records as they are now, so an appraisal entered is no longer "missing" on
    the next page. Queries: caseworkers (+user/township/county/organization), their
    contracts, their appraisals, policy rows (only the first when none is in post).
    """
    found = _caseworkers_with_history(caseworkers & Q(status=CaseworkerStatus.IN_POST))
    counties = {cw.county_id: cw.county for cw in found}
    policies = policies_for(list(counties.values()), today.year) if counties else {}
    return staffing_findings(found, today=today, policies=policies)


def _caseworkers_with_history(filter_q: Q) -> list[Caseworker]:
    return list(
        Caseworker.objects.filter(filter_q)
        .with_related()
        .prefetch_related(
            Prefetch("contracts", queryset=EmploymentContract.objects.select_related("organization")), "appraisals"
        )
        .order_by("township__code", "name", "id")
    )


# --------------------------------------------------------------------------- county board


@dataclass
class TownshipRow:
    township: Area
    in_post: list[Caseworker]
    open_gap_since: date | None
    gap_count: int
    service_contracts: int = 0


@dataclass
class Board:
    county: Area
    today: date
    policy: Policy
    townships: list[TownshipRow]
    caseworkers_in_post: int
    findings: dict[str, list[Finding]]
    service_contracts_ending: list[ServiceContract]
    service_contracts_expired: list[ServiceContract]
    gaps: list[TownshipRow]
    last_run: StaffingAlertRun | None


def expired_service_contracts(service_contracts: list[ServiceContract], *, today: date) -> list[ServiceContract]:
    """Each township's latest purchase-of-service contract, when it has ended and none runs today."""
    latest: dict[int, ServiceContract] = {}
    for sc in service_contracts:
        if sc.start <= today and (sc.township_id not in latest or sc.end > latest[sc.township_id].end):
            latest[sc.township_id] = sc
    return sorted((sc for sc in latest.values() if sc.end < today), key=lambda sc: sc.end)


def county_board(*, county: Area, today: date) -> Board:
    """Everything on the county staffing board, in 9 queries whatever the county's size.

    The findings are live (``staffing_findings`` over the records as they are now), the
    same as the dashboard's alert panel; the nightly run's alert rows are not shown (a
    snapshot would keep an appraisal "missing" after it was entered), only when it last ran.

    Queries: townships; caseworkers (+user/township/county/organization); their
    contracts; their appraisals; policy rows; the county's post history (+township:
    it includes caseworkers who have since moved away) and those caseworkers' contracts
    (a township is covered by a full-time post with a contract running:
    ``rules.covering_posts``); service contracts; last run.
    """
    townships = list(Area.objects.townships().filter(county=county, active=True).order_by("code"))
    caseworkers = _caseworkers_with_history(Q(county=county))
    policy = policies_for([county], today.year)[county.pk]
    findings = staffing_findings(caseworkers, today=today, policies={county.pk: policy})
    posts = list(CaseworkerPost.objects.filter(county=county, full_time=True).select_related("township"))
    spans = contract_spans({p.caseworker_id for p in posts})
    gaps = rules.township_gaps(
        township_codes=[t.code for t in townships],
        posts=[part for _p, part in covering_posts_of(posts, spans)],
        start=rules.first_check_date(policy),
        end=today,
    )
    service_contracts = list(ServiceContract.objects.filter(county=county).select_related("township", "organization"))
    by_township: dict[int, list[Caseworker]] = defaultdict(list)
    for cw in caseworkers:
        if cw.status == CaseworkerStatus.IN_POST and cw.hire_date <= today:
            by_township[cw.township_id].append(cw)
    contracts_by_township: dict[int, int] = defaultdict(int)
    for sc in service_contracts:
        if sc.start <= today <= sc.end:
            contracts_by_township[sc.township_id] += 1
    rows = []
    for township in townships:
        township_gaps = gaps[township.code]
        open_gap = next((g for g in township_gaps if g.until is None), None)
        rows.append(
            TownshipRow(
                township=township,
                in_post=by_township[township.pk],
                open_gap_since=open_gap.since if open_gap else None,
                gap_count=len(township_gaps),
                service_contracts=contracts_by_township[township.pk],
            )
        )
    ending = [sc for sc in service_contracts if today <= sc.end <= today + timedelta(days=CONTRACT_WARNING_DAYS)]
    expired = expired_service_contracts(service_contracts, today=today)
    return Board(
        county=county,
        today=today,
        policy=policy,
        townships=rows,
        caseworkers_in_post=sum(len(r.in_post) for r in rows),
        findings=findings,
        service_contracts_ending=sorted(ending, key=lambda sc: sc.end),
        service_contracts_expired=expired,
        gaps=[r for r in rows if r.open_gap_since is not None],
        last_run=StaffingAlertRun.objects.order_by("-started_at", "-id").first(),
    )


# --------------------------------------------------------------------------- funding


@dataclass
class FundingRow:
    township: Area
    caseworkers: list[str]
    line: rules.FundingLine
    transferred: Decimal
    check: rules.FundingCheck
    caseworker_days: list[int] = field(default_factory=list)
    caseworker_ids: list[int] = field(default_factory=list)

    @property
    def caseworkers_with_days(self) -> list[tuple[str, int]]:
        return list(zip(self.caseworkers, self.caseworker_days))

    def sheet_line(self) -> SheetLine:
        return SheetLine(
            township_code=self.township.code,
            township_name=self.township.name,
            caseworkers=self.caseworkers,
            days_in_post=self.line.days_in_post,
            caseworker_years=self.line.caseworker_years,
            required=self.line.required,
            transferred=self.transferred,
            caseworker_days=list(self.caseworker_days),
            exact_years=self.line.exact_years,
        )


@dataclass
class CountyFunding:
    county: Area
    year: int
    floor: Decimal
    rows: list[FundingRow]

    @property
    def required(self) -> Decimal:
        return sum((r.line.required for r in self.rows), Decimal(0))

    @property
    def transferred(self) -> Decimal:
        return sum((r.transferred for r in self.rows), Decimal(0))

    @property
    def shortfall(self) -> Decimal:
        return sum((r.check.shortfall for r in self.rows), Decimal(0))

    @property
    def short_rows(self) -> list[FundingRow]:
        return [r for r in self.rows if not r.check.ok]

    def sheet_lines(self) -> list[SheetLine]:
        return [r.sheet_line() for r in self.rows]

    def summary_line(self) -> SummaryLine:
        line = SummaryLine.from_lines(
            county_code=self.county.code, county_name=self.county.name, lines=self.sheet_lines()
        )
        # A caseworker moved between two of the county's townships in the year is one person.
        return replace(line, caseworkers=len({pk for r in self.rows for pk in r.caseworker_ids}))


def funding(*, counties: list[Area], year: int) -> list[CountyFunding]:
    """Per county and township: floor × caseworker-years in post (days basis) against the transfers.

    Read from the post history, so a caseworker moved during the year counts pro rata at
    each township and earlier years keep their townships. Only the days that cover the
    township count (a full-time post with an employment contract running:
    ``rules.covering_posts``, as on the board and the dashboards); a township with none is
    "no full-time caseworker", a gap. Five queries for any number of counties: townships,
    full-time posts overlapping the year (+township, caseworker name), their caseworkers'
    contracts, transfer sums by township, policy rows.
    """
    county_ids = [c.pk for c in counties]
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    townships = list(Area.objects.townships().filter(county_id__in=county_ids, active=True).order_by("code"))
    posts = list(
        CaseworkerPost.objects.filter(county_id__in=county_ids, full_time=True)
        .overlapping(year_start, year_end)
        .select_related("township")
        .annotate(caseworker_name=F("caseworker__name"))
        .order_by("township__code", "start_on", "id")
    )
    spans = contract_spans({p.caseworker_id for p in posts})
    paid = dict(
        TransferPayment.objects.filter(county_id__in=county_ids, year=year)
        .values_list("township_id")
        .annotate(total=Sum("amount"))
        .values_list("township_id", "total")
    )
    policies = policies_for(counties, year)
    by_township: dict[int, list[CaseworkerPost]] = defaultdict(list)
    for post in posts:
        by_township[post.township_id].append(post)
    result = []
    for county in counties:
        floor = policies[county.pk].caseworker_funding_floor
        rows = []
        for township in (t for t in townships if t.county_id == county.pk):
            held = covering_posts_of(by_township[township.pk], spans)
            line = rules.required_transfer(posts_in_year=[post for _p, post in held], year=year, floor=floor)
            people: dict[int, list] = {}  # caseworker id -> [name, days], in order of first post
            for p, post in held:
                person = people.setdefault(p.caseworker_id, [p.caseworker_name, 0])
                person[1] += rules.post_days_in_year(post, year)
            transferred = Decimal(paid.get(township.pk) or 0).quantize(Decimal("0.01"))
            rows.append(
                FundingRow(
                    township=township,
                    caseworkers=[name for name, _days in people.values()],
                    caseworker_days=[days for _name, days in people.values()],
                    caseworker_ids=list(people),
                    line=line,
                    transferred=transferred,
                    check=rules.check_funding(
                        required=line.required, transferred=transferred, covered_days=line.days_in_post
                    ),
                )
            )
        result.append(CountyFunding(county=county, year=year, floor=floor, rows=rows))
    return result


def county_funding(*, county: Area, year: int) -> CountyFunding:
    return funding(counties=[county], year=year)[0]


def sheet_counties(user, county_code: str | None) -> list[Area]:
    """The counties whose sheet the user may get: one by code (outside scope: none), or all visible."""
    visible = counties_visible(user)
    if county_code:
        return list(visible.filter(code=county_code))
    return list(visible)
