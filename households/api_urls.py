from households import api, procedure_api, review_api


def register(router) -> None:
    router.register("households", api.HouseholdViewSet, basename="household")
    router.register("applications", procedure_api.ApplicationViewSet, basename="application")
    review_api.register(router)  # reviews, review-runs, change-reports


urlpatterns: list = []
