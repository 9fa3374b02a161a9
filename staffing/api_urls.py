from django.urls import path

from staffing import api


def register(router) -> None:
    router.register("staffing/organizations", api.OrganizationViewSet, basename="staffing-organization")
    router.register("staffing/caseworkers", api.CaseworkerViewSet, basename="staffing-caseworker")
    router.register("staffing/contracts", api.ServiceContractViewSet, basename="staffing-contract")
    router.register("staffing/employment-contracts", api.EmploymentContractViewSet,
                    basename="staffing-employment-contract")
    router.register("staffing/appraisals", api.AppraisalViewSet, basename="staffing-appraisal")
    router.register("staffing/transfers", api.TransferViewSet, basename="staffing-transfer")


urlpatterns = [
    path("staffing/recruitment-check/", api.recruitment_check, name="staffing-recruitment-check"),
    path("staffing/transfer-sheet/", api.transfer_sheet, name="staffing-transfer-sheet"),
]
