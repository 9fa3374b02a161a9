from households import api


def register(router) -> None:
    router.register("households", api.HouseholdViewSet, basename="household")
    from households.procedure_api import ApplicationViewSet  # the application procedure
    router.register("applications", ApplicationViewSet, basename="application")


urlpatterns: list = []
