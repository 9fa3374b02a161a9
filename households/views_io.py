"""Import and export pages: legacy XLSX import with progress, roster export."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from households import exports, forms, imports, selectors
from households.models import ImportJob
from households.tasks import enqueue_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def roster_export(request):
    """The roster of the user's scope (narrowed by the list's filters), as XLSX."""
    from households.views import require_civil_affairs

    require_civil_affairs(request.user)
    queryset = selectors.household_list(user=request.user)
    form = forms.HouseholdFilterForm(request.GET or None, user=request.user)
    if form.is_valid():
        queryset = selectors.filtered(queryset, form.cleaned_data)
    handle, _count = exports.write_roster(queryset, user=request.user, request=request)
    response = FileResponse(handle, content_type=XLSX, as_attachment=True, filename=exports.export_filename())
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _may_import(user) -> bool:
    return user.is_superuser or user.role in selectors.WRITE_ROLES


def import_template(request):
    workbook = imports.template_workbook()
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="household-import-template.xlsx"'
    workbook.save(response)
    return response


def import_page(request):
    if not _may_import(request.user):
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if form.cleaned_data["dry_run"]:
            try:
                plan = imports.validate(imports.read_rows(upload), user=request.user)
            except Exception as error:  # noqa: BLE001 - not a readable XLSX: say so next to the field
                form.add_error("file", _("The file could not be read as an XLSX spreadsheet: %(error)s") % {"error": error})
            else:
                context["plan"] = plan
        else:
            job = ImportJob.objects.create(file=upload, original_name=upload.name[-200:], created_by=request.user,
                                           township=request.user.area if request.user.area else None)
            enqueue_import(job)
            return redirect(f"{request.path}?job={job.pk}")
    job_id = request.GET.get("job")
    if job_id and job_id.isdigit():
        context["job"] = ImportJob.objects.filter(pk=job_id, created_by=request.user).first()
    return render(request, "households/import.html", context)


def import_status(request, job_id: int):
    """The progress of one import, polled by static/js/import.js (only its own creator sees it)."""
    job = get_object_or_404(ImportJob, pk=job_id, created_by=request.user)
    return JsonResponse({"status": job.status, "status_label": job.get_status_display(), "percent": job.percent,
                         "done_rows": job.done_rows, "total_rows": job.total_rows,
                         "households_created": job.households_created, "members_created": job.members_created,
                         "errors": job.errors[:200]})
