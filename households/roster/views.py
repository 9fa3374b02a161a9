"""Import and export pages: legacy XLSX import and roster export, each a background job
whose page shows its progress."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_POST

from households import access
from households.dossier import forms
from households.dossier.views import require_civil_affairs, search_params
from households.models import ExportJob, ImportJob, JobStatus
from households.roster import exports, imports
from households.roster.jobs import enqueue_export, enqueue_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_POST
def roster_export(request):
    """Start a roster export of the user's scope, narrowed by the list's filters (the list's
    query string, sent with the button), and go to its progress page."""
    require_civil_affairs(request.user)
    known = forms.HouseholdFilterForm.base_fields
    filters = {name: value for name, value in search_params(request.GET).items() if name in known and value}
    job = ExportJob.objects.create(
        created_by=request.user, area=request.user.area, filters=filters, language=translation.get_language() or ""
    )
    enqueue_export(job)
    return redirect("households:export_job", job_id=job.pk)


def _export_job(request, job_id: int) -> ExportJob:
    """A job belongs to whoever started it, in the area they had (and to administrators):
    anyone else is told it does not exist (404)."""
    require_civil_affairs(request.user)
    jobs = ExportJob.objects.all()
    if not request.user.is_superuser:
        jobs = jobs.filter(created_by=request.user, area_id=request.user.area_id)
    return get_object_or_404(jobs, pk=job_id)


def export_job(request, job_id: int):
    """The progress of one export, refreshed by static/js/jobs.js; then its download."""
    job = _export_job(request, job_id)
    return render(
        request,
        "households/export_job.html",
        {
            "job": job,
            "keep_days": settings.JIUZHU_EXPORT_KEEP_DAYS,
            "list_query": urlencode(job.filters) if isinstance(job.filters, dict) else "",
        },
    )


def export_status(request, job_id: int):
    job = _export_job(request, job_id)
    return JsonResponse(job.progress())


def export_download(request, job_id: int):
    """The file of a finished export, to its creator only (never from a public URL)."""
    job = _export_job(request, job_id)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=XLSX,
        as_attachment=True,
        filename=exports.export_filename(timezone.localdate(job.created_at)),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _may_import(user) -> bool:
    return access.may_edit_dossier(user)


def import_template(request):
    workbook = imports.template_workbook()
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="household-import-template.xlsx"'
    workbook.save(response)
    return response


def import_page(request):
    """Upload a spreadsheet: every run, a dry run too, is a background job (reading a hostile
    file must not hold a web worker), and the page then shows its progress and result."""
    if not _may_import(request.user):
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = ImportJob.objects.create(
            file=upload,
            original_name=upload.name[-200:],
            created_by=request.user,
            township=request.user.area if request.user.area else None,
            dry_run=form.cleaned_data["dry_run"],
        )
        enqueue_import(job)
        return redirect(f"{request.path}?job={job.pk}")
    job_id = request.GET.get("job")
    if job_id and job_id.isdigit():
        context["job"] = ImportJob.objects.filter(pk=job_id, created_by=request.user).first()
    return render(request, "households/import.html", context)


def import_status(request, job_id: int):
    """The progress of one import, polled by static/js/jobs.js (only its own creator sees it)."""
    job = get_object_or_404(ImportJob, pk=job_id, created_by=request.user)
    return JsonResponse(
        {
            **job.progress(),
            "dry_run": job.dry_run,
            "households_created": job.households_created,
            "members_created": job.members_created,
            "skipped_members": job.skipped_members,
            "errors": job.errors,
            "error_count": job.error_count,
        }
    )
