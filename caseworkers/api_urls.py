from caseworkers import api


def register(router) -> None:
    router.register("resources", api.ResourceViewSet, basename="resource")
    router.register("referrals", api.ReferralViewSet, basename="referral")
    router.register("services", api.ServiceViewSet, basename="service")
    router.register("publicity", api.PublicityViewSet, basename="publicity")
    router.register("policy-feedback", api.FeedbackViewSet, basename="policy-feedback")
    router.register("volunteers", api.VolunteerViewSet, basename="volunteer")
    router.register("trainings", api.TrainingViewSet, basename="training")
    router.register("typical-cases", api.CaseViewSet, basename="typical-case")
    router.register("tasks", api.TaskViewSet, basename="task")


urlpatterns: list = []
