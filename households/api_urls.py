from households import api, procedure_api
from households.plans import api as plan_api
from households.review import api as review_api


def register(router) -> None:
    router.register("households", api.HouseholdViewSet, basename="household")
    router.register("members", api.MemberViewSet, basename="member")
    router.register("enrolments", api.EnrolmentViewSet, basename="enrolment")
    router.register("verifications", api.VerificationViewSet, basename="verification")
    router.register("surveys", api.SurveyViewSet, basename="survey")
    router.register("assessments", api.AssessmentViewSet, basename="assessment")
    router.register("documents", api.DocumentViewSet, basename="document")
    router.register("applications", procedure_api.ApplicationViewSet, basename="application")
    review_api.register(router)  # reviews, review-runs, change-reports
    router.register("plans", plan_api.PlanViewSet, basename="plan")


urlpatterns: list = []
