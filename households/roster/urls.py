"""Pages of the roster: imports and exports (names export*, import*)."""

from django.urls import path

from households.roster import views

urlpatterns = [
    path("export/", views.roster_export, name="export"),
    path("export/<int:job_id>/", views.export_job, name="export_job"),
    path("export/<int:job_id>/status/", views.export_status, name="export_status"),
    path("export/<int:job_id>/roster.xlsx", views.export_download, name="export_download"),
    path("import/", views.import_page, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:job_id>/", views.import_status, name="import_status"),
]
