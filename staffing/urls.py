from django.urls import path

from staffing import views

app_name = "staffing"
urlpatterns = [
    path("", views.board, name="board"),
    path("recruitment-check/", views.recruitment_check, name="recruitment_check"),
    path("funding/", views.funding, name="funding"),
    path("funding/sheet.xlsx", views.transfer_sheet, name="transfer_sheet"),
    path("caseworkers/", views.caseworker_list, name="caseworkers"),
    path("caseworkers/new/", views.caseworker_form, name="caseworker_new"),
    path("caseworkers/<int:pk>/", views.caseworker_detail, name="caseworker"),
    path("caseworkers/<int:pk>/edit/", views.caseworker_form, name="caseworker_edit"),
    path("caseworkers/<int:pk>/status/", views.caseworker_status, name="caseworker_status"),
    path("caseworkers/<int:pk>/post/", views.caseworker_post, name="caseworker_post"),
    path("caseworkers/<int:pk>/id-number/", views.caseworker_id_number, name="caseworker_id_number"),
    path("<slug:slug>/", views.object_list, name="list"),
    path("<slug:slug>/new/", views.object_create, name="create"),
    path("<slug:slug>/<int:pk>/edit/", views.object_edit, name="edit"),
]
