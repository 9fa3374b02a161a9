from households import api, plan_api


def register(router) -> None:
    router.register("households", api.HouseholdViewSet, basename="household")
    router.register("plans", plan_api.PlanViewSet, basename="plan")


urlpatterns: list = []
