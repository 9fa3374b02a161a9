"""Import and export pages."""

from django.http import HttpResponse


def roster_export(request):
    return HttpResponse()


def import_page(request):
    return HttpResponse()


def import_template(request):
    return HttpResponse()


def import_status(request, job_id):
    return HttpResponse()
