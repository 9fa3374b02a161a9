from households import api, review_api  # review


def register(router) -> None:
    router.register("households", api.HouseholdViewSet, basename="household")
    review_api.register(router)  # review: reviews, review-runs, change-reports


urlpatterns: list = []
