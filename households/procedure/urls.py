"""Pages of the application procedure, appended to households/urls.py (names application_*)."""

from django.urls import path

from households.procedure import views

urlpatterns = [
    path("applications/", views.application_list, name="application_list"),
    path("applications/due/", views.applications_due, name="application_due"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/step/<slug:step>/", views.application_step, name="application_step"),
    path("applications/<int:pk>/print/<slug:kind>/", views.application_print, name="application_print"),
    path("workdays/", views.workday_list, name="workday_list"),
    path("workdays/new/", views.workday_create, name="workday_create"),
    path("workdays/<int:pk>/", views.workday_edit, name="workday_edit"),
    path("workdays/<int:pk>/withdraw/", views.workday_withdraw, name="workday_withdraw"),
]
