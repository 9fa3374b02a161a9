"""URLs, the composition root: every app's pages, every API route, read in one place.

Nothing is probed for: an app's URL module that fails to import fails start-up.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from caseworkers import api as caseworkers_api
from dashboards import api as dashboards_api
from households.dossier import api as dossier_api
from households.plans import api as plans_api
from households.procedure import api as procedure_api
from households.review import api as review_api
from jiuzhu import views
from staffing import api as staffing_api

router = DefaultRouter()
router.register("areas", views.AreaViewSet, basename="area")
# households
router.register("households", dossier_api.HouseholdViewSet, basename="household")
router.register("members", dossier_api.MemberViewSet, basename="member")
router.register("enrolments", dossier_api.EnrolmentViewSet, basename="enrolment")
router.register("verifications", dossier_api.VerificationViewSet, basename="verification")
router.register("surveys", dossier_api.SurveyViewSet, basename="survey")
router.register("assessments", dossier_api.AssessmentViewSet, basename="assessment")
router.register("documents", dossier_api.DocumentViewSet, basename="document")
router.register("applications", procedure_api.ApplicationViewSet, basename="application")
router.register("reviews", review_api.ReviewTaskViewSet, basename="review")
router.register("review-runs", review_api.ReviewRunViewSet, basename="review-run")
router.register("change-reports", review_api.ChangeReportViewSet, basename="change-report")
router.register("plans", plans_api.PlanViewSet, basename="plan")
# caseworkers (四个员)
router.register("resources", caseworkers_api.ResourceViewSet, basename="resource")
router.register("referrals", caseworkers_api.ReferralViewSet, basename="referral")
router.register("services", caseworkers_api.ServiceViewSet, basename="service")
router.register("publicity", caseworkers_api.PublicityViewSet, basename="publicity")
router.register("policy-feedback", caseworkers_api.FeedbackViewSet, basename="policy-feedback")
router.register("volunteers", caseworkers_api.VolunteerViewSet, basename="volunteer")
router.register("trainings", caseworkers_api.TrainingViewSet, basename="training")
router.register("typical-cases", caseworkers_api.CaseViewSet, basename="typical-case")
router.register("tasks", caseworkers_api.TaskViewSet, basename="task")
# staffing
router.register("staffing/organizations", staffing_api.OrganizationViewSet, basename="staffing-organization")
router.register("staffing/caseworkers", staffing_api.CaseworkerViewSet, basename="staffing-caseworker")
router.register("staffing/contracts", staffing_api.ServiceContractViewSet, basename="staffing-contract")
router.register(
    "staffing/employment-contracts", staffing_api.EmploymentContractViewSet, basename="staffing-employment-contract"
)
router.register("staffing/appraisals", staffing_api.AppraisalViewSet, basename="staffing-appraisal")
router.register("staffing/transfers", staffing_api.TransferViewSet, basename="staffing-transfer")

api_patterns = [
    path("me/", views.me, name="me"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("staffing/recruitment-check/", staffing_api.recruitment_check, name="staffing-recruitment-check"),
    path("staffing/transfer-sheet/", staffing_api.transfer_sheet, name="staffing-transfer-sheet"),
    path("dashboard/", dashboards_api.dashboard, name="dashboard"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include((api_patterns + router.urls, "api"), namespace="api")),
    path("households/", include("households.urls")),
    path("caseworkers/", include("caseworkers.urls")),
    path("staffing/", include("staffing.urls")),
    path("policy/", include("jiuzhu.parameters.urls")),
    path("dashboards/", include("dashboards.urls")),
]

# Error pages in Chinese; under /api/ a JSON answer. The 500 page is Django's own view with
# templates/500.html (standalone: it needs no request).
handler404 = "jiuzhu.views.page_not_found"
handler403 = "jiuzhu.views.permission_denied"
handler500 = "jiuzhu.views.server_error"
