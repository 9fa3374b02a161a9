from django.urls import path

from households import pickers, procedure_urls, views, views_io
from households.plans.views import urlpatterns as plan_urlpatterns
from households.review.views import urlpatterns as review_urlpatterns

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("search/", pickers.search_view, name="search"),
    path("new/", views.household_create, name="create"),
    path("export/", views_io.roster_export, name="export"),
    path("export/<int:job_id>/", views_io.export_job, name="export_job"),
    path("export/<int:job_id>/status/", views_io.export_status, name="export_status"),
    path("export/<int:job_id>/roster.xlsx", views_io.export_download, name="export_download"),
    path("import/", views_io.import_page, name="import"),
    path("import/template.xlsx", views_io.import_template, name="import_template"),
    path("import/<int:job_id>/", views_io.import_status, name="import_status"),
    path("<int:pk>/", views.household_detail, name="detail"),
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
    *procedure_urls.urlpatterns,  # names application_*
    *review_urlpatterns,  # names review_*, change_report_*
    *plan_urlpatterns,  # names plan_*
]
