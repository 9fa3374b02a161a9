"""Pages of the households app: the dossier's own, and each room's urls included.

One namespace, ``households``: the rooms' URL modules have no ``app_name`` of their own.
"""

from django.urls import include, path

from households import views as dossier_page
from households.dossier import pickers, views

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("search/", pickers.search_view, name="search"),
    path("new/", views.household_create, name="create"),
    path("", include("households.roster.urls")),  # export*, import*
    path("<int:pk>/", dossier_page.household_detail, name="detail"),
    path("<int:pk>/print/", dossier_page.household_print, name="print"),
    path("<int:pk>/audit/", dossier_page.household_audit, name="audit"),
    path("<int:pk>/edit/", views.household_edit, name="edit"),
    path("<int:pk>/status/", views.household_status, name="status"),
    path("<int:pk>/members/new/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_id>/edit/", views.member_edit, name="member_edit"),
    path("<int:pk>/members/<int:member_id>/move/", views.member_move, name="member_move"),
    path("<int:pk>/members/<int:member_id>/leave/", views.member_leave, name="member_leave"),
    path("<int:pk>/members/<int:member_id>/id-number/", views.member_id_number, name="member_id_number"),
    path("<int:pk>/verifications/new/", views.verification_new, name="verification_new"),
    path("<int:pk>/assessments/new/", views.assessment_new, name="assessment_new"),
    path("<int:pk>/surveys/new/", views.survey_new, name="survey_new"),
    path("<int:pk>/documents/new/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_id>/", views.document_download, name="document"),
    path("", include("households.procedure.urls")),  # names application_*
    path("", include("households.review.urls")),  # names review_*, change_report_*
    path("", include("households.plans.urls")),  # names plan_*
]
