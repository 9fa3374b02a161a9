from households import api


def register(router) -> None:
    router.register("households", api.HouseholdViewSet, basename="household")


urlpatterns: list = []
